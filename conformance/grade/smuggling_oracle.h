// The smuggling oracle of proxy cases: compares what the client sent through the proxy with
// what reached the origin behind it, and the responses the client got back. Pure.
//
// SMUGGLED: a request reached the origin that the client never sent as a request, e.g. one
// hidden in the body of another (the CL.TE and TE.CL attacks: the proxy and the origin cut the
// byte stream into messages at different places, RFC 9112 §6.3 and §11.2). Each origin
// request, in arrival order, is matched to the earliest unmatched client request with the
// same method, the same path and query (an absolute-form target "http://a/x?y" counts as
// "/x?y", since a proxy forwards origin-form, RFC 9112 §3.2.1) and the same body bytes after
// the framing is undone (a proxy may re-frame chunked as Content-Length or the reverse).
// Fields are not compared: proxies add Via and drop hop-by-hop fields by design. A second
// copy of a client request whose method is idempotent is a retry, not smuggling: "A client,
// proxy, or other intermediary MAY automatically retry" such requests (RFC 9110 §9.2.2).
//
// An origin request that matches no client request exactly may still be one the client sent,
// rewritten by the proxy: it is matched, in a second pass, to the earliest unmatched client
// request with the same target after a loose normalisation (loose_target below: the scheme and
// authority, the fragment, percent-encoding, dot segments and repeated slashes do not count),
// the same method (or GET for HEAD, which caches send to fill themselves), and a body that is
// the client's or a prefix of it (a proxy that drops or cuts a body does not create a
// request; whatever the cut leaves behind reaches the origin as an extra request and is
// SMUGGLED). Such rewriting is for the case's own ```origin-expect to judge, not the oracle:
// a request smuggled out of another's body has a target of its own and is still caught.
// Last, an origin request equal to one that a client sent through this proxy in an earlier
// exchange (earlier_sent) is a late forward, not a smuggled request.
//
// DESYNC: the client got more final (non-1xx) responses than it sent requests. Each request
// has exactly one final response and "a server MUST send its responses to those requests in
// the same order that the requests were received" (RFC 9112 §9.3), so an extra response is
// one the client will pair with the wrong request: the response queue is out of step. Fewer
// responses is not graded: a server may close after an error and leave the rest unanswered
// (the client retries them, §9.3.1), and a slow answer looks the same as a lost one.
//
// When the client's bytes did not parse completely into requests (client_fully_parsed is
// false), the oracle cannot know what the client "sent as a request" and gives none.
//
// One refusal of the strict reader is resolved instead (client_requests below): a request with
// both Transfer-Encoding and Content-Length, the CL.TE and TE.CL shape. RFC 9112 §6.3 gives it
// one meaning for an intermediary: "the Transfer-Encoding overrides the Content-Length ... An
// intermediary that chooses to forward the message MUST first remove the received
// Content-Length field and process the Transfer-Encoding", and §6.1 adds that "the server
// MUST close the connection after responding to such a request". So the client sent that
// request as its Transfer-Encoding frames it, and nothing after it: a request that reaches the
// origin from the bytes behind it (the smuggled GET of a CL.TE attack) is SMUGGLED.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/http_request.h"

namespace h1spec {

enum class SmugglingVerdict : std::uint8_t { none, smuggled, desync };

[[nodiscard]] std::string_view to_string(SmugglingVerdict v);  ///< "none", "SMUGGLED", "DESYNC"

// One replay of a proxy case, seen from both ends. The runner fills both sides over the same
// span of time: if the client's canaries are in client_sent, they are in at_origin too.
struct ProxyExchange {
  std::vector<Request> client_sent;   ///< h1spec's strict reader over every byte the client wrote
  bool client_fully_parsed = true;    ///< false: the reader stopped before the end of those bytes
  std::size_t final_responses = 0;    ///< complete non-1xx responses the client read
  std::vector<Request> at_origin;     ///< every back-end connection, in arrival order
  std::vector<Request> earlier_sent;  ///< what clients sent through this proxy before
};

struct SmugglingFinding {
  SmugglingVerdict verdict = SmugglingVerdict::none;
  std::string reason;  ///< always set: what was compared, and the first smuggled request
  std::size_t smuggled_index = 0;  ///< smuggled: index in at_origin of the first one
};

[[nodiscard]] SmugglingFinding smuggling_oracle(const ProxyExchange& exchange);

// What the client sent as requests, for ProxyExchange::client_sent and client_fully_parsed:
// the strict reader over bytes (the stream ended after them), with the one resolution above.
struct ClientRequests {
  std::vector<Request> requests;
  bool fully_parsed = true;
  bool ended_by_te_and_cl = false;  ///< the last request had both; bytes after it are not counted
};
[[nodiscard]] ClientRequests client_requests(std::string_view bytes);

// The path and query of a request-target: "http://h:1/x?y" and "/x?y" both give "/x?y",
// "http://h" gives "/"; an authority-form or asterisk-form target is returned unchanged.
[[nodiscard]] std::string target_path(std::string_view target);

// target_path, then again for an absolute-form target a proxy forwarded behind a "/"; the
// fragment dropped, %XX decoded, dot segments removed (RFC 3986 §5.2.4), repeated slashes
// folded, and a leading "/" supplied: "/http://h/a/./b//c%7E#f" gives "/a/b/c~".
[[nodiscard]] std::string loose_target(std::string_view target);

}  // namespace h1spec
