// `h1spec fuzz --via`, part 2: where the origin's view of an input departs from the client's.
// Pure: the run (fuzz_via_run.h) supplies what the origin recorded and what the client read.
//
// Each request that reached the origin (every back-end connection, arrival order) is paired
// with a request of the client view (fuzz_via_view.h), first one that matches exactly as the
// smuggling oracle matches (method, path and query, decoded body: grade/smuggling_oracle.h),
// then looser pairings that are legitimate proxy behaviour and are only counted:
//   retry         a second copy of an idempotent request (RFC 9110 §9.2.2);
//   body-dropped  a GET or HEAD forwarded without its body (content "has no generally defined
//                 semantics" in a GET, RFC 9110 §9.3.1);
//   rewritten     the same method and body with another target (normalised paths);
//   head-as-get   a HEAD forwarded as GET, as caches do to fill themselves.
// Fields are never compared: proxies add Via, drop hop-by-hop fields and re-frame chunked as
// Content-Length by design. What is left is a divergence, in this order of precedence:
//   smuggled   the client's bytes read cleanly, and the origin got a request that is none of
//              them (the oracle's SMUGGLED), or, when they read cleanly to the end, a second
//              copy of a non-idempotent one ("A proxy MUST NOT automatically retry
//              non-idempotent requests", RFC 9112 §9.3.1);
//   ambiguous  the client's bytes end in a framing-ambiguous message (Ambiguity), and the
//              origin got more out of it than the RFC lets a proxy forward:
//                cl-te       at most the message read by Transfer-Encoding alone (§6.3 item 3),
//                            and nothing after it, since the connection "MUST close" (§6.1);
//                te-http10   at most one request with its method and target, then nothing;
//                all others  nothing at all (400 and close, §6.3 items 4 and 5, §5.1, §7.1);
//   body       a request the client sent reached the origin with other body bytes;
//   desync     the client's bytes read cleanly as N requests and the client read more than N
//              final responses (the oracle's DESYNC). Not judged when a tail exists: how many
//              messages a lenient reader makes of rejected bytes, each answered by a 400 of
//              its own, is not fixed, just as the oracle gives no verdict then.
// Requests forwarded out of a tail that is rejected for something other than framing (bare
// LF, obs-fold, NUL in an ordinary field) are counted as lenient, never flagged: the RFC lets
// a proxy accept or repair those (RFC 9112 §2.2, §5.2, §5.5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "diff/fuzz_via_view.h"
#include "wire/http_request.h"

namespace h1spec::fuzz {

enum class ViaKind : std::uint8_t { none, smuggled, ambiguous, body, desync };
[[nodiscard]] std::string_view to_string(ViaKind k);  ///< "none", "smuggled", ...
inline constexpr std::size_t kViaKinds = 5;

// Legitimate differences, counted for the summary.
struct ViaBenign {
  std::size_t retries = 0, body_dropped = 0, rewritten = 0, head_as_get = 0, lenient = 0;
};

struct ViaDivergence {
  ViaKind kind = ViaKind::none;
  Ambiguity ambiguity = Ambiguity::none;  ///< ambiguous: the tail's class
  std::string detail;            ///< a short token: "extra", "repeat", "after", "cl-body", ...
  std::string reason;            ///< one sentence for people
  std::size_t origin_index = 0;  ///< smuggled, ambiguous, body: the origin request in question
  ViaBenign benign;
  // "ambiguous/cl-te/after": what findings are de-duplicated and minimised by.
  [[nodiscard]] std::string signature() const;
};

// final_responses: complete non-1xx responses the client read.
[[nodiscard]] ViaDivergence classify_via(const ClientView& client,
                                         const std::vector<Request>& at_origin,
                                         std::size_t final_responses);

// How many requests a correct proxy may forward out of the tail: 0, or 1 for cl-te with a
// Transfer-Encoding reading and for te-http10. Only meaningful when client.ambiguous().
[[nodiscard]] std::size_t allowed_from_tail(const ClientView& client);

}  // namespace h1spec::fuzz
