// `h1spec fuzz --via`, part 4: a finding through a proxy, written as a two-sided proxy case
// (conformance/README.md, "Proxy cases") and as a JSON record. Pure.
//
// The case replays the minimised input (one ```http block per write; close=after-send only
// when the input ends inside a message, so that the end of the stream is part of it) and
// says what a correct proxy does with it:
//   ```origin-expect   the requests a correct proxy forwards, in order, by method, origin-form
//                      target and body ("requests at most N": a proxy may refuse a request,
//                      never add one): the clean requests of the client view up to the first
//                      that ends the connection, then, for a cl-te or te-http10 tail, the one
//                      message the RFC lets an intermediary forward; "nothing forwarded" when
//                      that list is empty;
//   ```expect          one response per forwarded request (any status: the origin's answer),
//                      and for a framing-ambiguous tail a 400 and the close RFC 9112 §6.1 and
//                      §6.3 require (or, as a warning, the close without the 400).
// tags=proxy,fuzz-via,<kind>, so `h1spec --cases DIR --tag proxy --proxy ...` replays it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "diff/fuzz_mutate.h"
#include "diff/fuzz_via_divergence.h"
#include "diff/fuzz_via_view.h"

namespace h1spec::fuzz {

// The topic line every finding file starts with.
inline constexpr std::string_view kViaTopic = "Fuzz findings through a proxy";

struct ViaFinding {
  std::string id;            ///< FUZZVIA-AMBIGUOUS-1A2B3C4D: kind and a hash of the key
  std::string key;           ///< what findings are de-duplicated by
  ViaDivergence divergence;  ///< of the minimised input
  Mutant original, minimal;
  std::vector<Request> at_origin;         ///< what the origin recorded for the minimised input
  std::vector<int> statuses;              ///< final statuses the client read for it
  std::vector<std::string> origin_bytes;  ///< every back-end connection's bytes, as received
  std::string proxy_name;                 ///< "127.0.0.1:8080" or the =NAME given
  int origin_port = 0;
  std::uint64_t run_seed = 0, index = 0;
  const Seed* seed = nullptr;  ///< where the input came from
};

// The divergence's signature, then the field names left in the minimised input (lower case,
// sorted): one root cause reached from many seeds is reported once.
[[nodiscard]] std::string via_finding_key(const ViaDivergence& d, std::string_view bytes);

// The requests a correct proxy forwards for this client view (see above).
[[nodiscard]] std::vector<Request> correct_forwarding(const ClientView& v);

// The whole case file: topic, one case.
[[nodiscard]] std::string via_case_markdown(const ViaFinding& f);
[[nodiscard]] std::string via_finding_json(const ViaFinding& f);

}  // namespace h1spec::fuzz
