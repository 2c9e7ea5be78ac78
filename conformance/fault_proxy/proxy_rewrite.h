// The pure half of h1fault's proxy role: what it forwards for a client request, what it
// relays for an origin response, and the answers it gives itself. No sockets, so every rule
// is unit-tested (tests/fault_proxy/). The rules, with all faults off:
// - hop-by-hop fields are removed both ways: Connection and every field it lists, Keep-Alive,
//   Proxy-Connection, TE, Upgrade, Transfer-Encoding, Trailer (RFC 9110 §7.6.1);
// - a message is re-framed from its decoded body with Content-Length (trailers are dropped,
//   as RFC 9112 §7.1.2 allows);
// - Via names the received protocol and h1fault (RFC 9110 §7.6.3);
// - requests go in origin-form with the proxy's own HTTP-version; an absolute-form target's
//   authority replaces Host (RFC 9112 §3.2.2);
// - Max-Forwards: 0 on TRACE or OPTIONS is answered by the proxy, a larger value is
//   decremented (RFC 9110 §7.6.2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proxy_fault.h"
#include "proxy_request.h"
#include "wire/response_reader.h"

namespace h1spec::faulty {

// The options of every Connection field among `values` (their values), lower-cased.
[[nodiscard]] std::vector<std::string> connection_options(
    const std::vector<std::string_view>& values);

// True for a field the proxy never forwards: the fixed hop-by-hop names, and (unless `keep`)
// a name that Connection listed in `options` (lower case).
[[nodiscard]] bool is_hop_by_hop(std::string_view name, const std::vector<std::string>& options,
                                 bool keep_listed);

// What the proxy does with a request it read: forward it, or answer it itself.
struct Refusal {
  int status = 0;  ///< 0: none, else the status of the proxy's own answer (400, 501, 505)
  std::string why;
};

// Checks a request the reader accepted against the rules a server applies before forwarding:
// Host present once and well-formed (RFC 9112 §3.2), a request-target form the proxy serves.
[[nodiscard]] Refusal refuse_request(const ClientRequest& request);

// The bytes forwarded to the origin for `request`; `upstream` (host:port) is the Host of a
// request that has none (HTTP/1.0).
[[nodiscard]] std::string forward_request(const ClientRequest& request, ProxyFaults faults,
                                          std::string_view upstream);

// The proxy's own answer to TRACE or OPTIONS with Max-Forwards: 0, or empty when the request
// is forwarded.
[[nodiscard]] std::string answer_max_forwards(const ClientRequest& request, ProxyFaults faults,
                                              std::string_view date);

// True when the client connection ends after this request's answer: Connection: close, or
// HTTP/1.0 (the proxy does not keep 1.0 connections alive).
[[nodiscard]] bool client_wants_close(const ClientRequest& request);

// Why an origin response the strict reader accepted is still invalid for a proxy to relay
// (CL with TE, differing Content-Length copies, 101 without Upgrade, an unknown status or
// version), or empty.
[[nodiscard]] std::string response_defect(const Response& response);

// The bytes relayed to the client for an origin response: hop-by-hop fields gone, Via and
// Date (when missing) added, Content-Length from the decoded body. `close` adds
// Connection: close. `extra` is a body the origin sent after a bodiless head (204, 304, HEAD):
// only the pass-204-body fault passes one.
[[nodiscard]] std::string relay_response(const Response& response, bool head_request, bool close,
                                         ProxyFaults faults, std::string_view date,
                                         std::string_view extra = {});

// The proxy's own error answer (400, 502, ...), with a one-line text body naming `why`.
[[nodiscard]] std::string error_response(int status, std::string_view why, bool close,
                                         std::string_view date);

// The IMF-fixdate of now, for Date fields.
[[nodiscard]] std::string http_date();

}  // namespace h1spec::faulty
