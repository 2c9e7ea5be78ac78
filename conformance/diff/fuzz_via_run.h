// `h1spec fuzz --via`: differential fuzzing through a reverse proxy. A recording origin
// (origin/recording_origin.h) runs in-process on 127.0.0.1:origin_port, where the proxy must
// forward; each input (a mutant of the case corpus and the framing seeds, fuzz_via_seeds.h)
// goes through the proxy on a fresh connection, the client half-closes and reads its answers,
// and once the origin has settled, what it recorded is compared with the client view
// (fuzz_via_view.h, fuzz_via_divergence.h). Inputs run one at a time: the origin is reset
// between them, so each snapshot holds exactly one input's traffic. Each new divergence is
// minimised while the same signature holds (fuzz_minimize.h) and written as a proxy case and
// a JSON record under out/findings (fuzz_via_case.h); out/summary.json counts everything.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "wire/endpoint.h"

namespace h1spec::fuzz {

struct ViaOptions {
  Endpoint via;         ///< the proxy, already through the loopback guard
  int origin_port = 0;  ///< 1..65535: where the proxy forwards
  double seconds = 60;
  std::uint64_t seed = 1;
  std::uint64_t count = 1'000'000;
  std::string out = "build/fuzz-via";
  std::chrono::milliseconds timeout{1000};  ///< per exchange
  std::chrono::milliseconds settle{50};     ///< origin quiet this long: the input is done
  std::size_t budget = 200;                 ///< exchanges per minimisation
  double recover_seconds = 10;
  std::string cases_dir;
};

// kFuzzClean, kFuzzFindings or kFuzzHarnessError (fuzz_run.h): a taken origin port, a proxy
// that does not answer or does not reach the origin, are harness errors.
[[nodiscard]] int run_fuzz_via(const ViaOptions& o);

}  // namespace h1spec::fuzz
