// The differential fuzzing run: mutants of the case corpus (fuzz_mutate.h) go to the target
// and to the oracle over loopback; their outcomes are compared (fuzz_outcome.h); each new
// discrepancy is minimised (fuzz_minimize.h) and written to `out` as a conformance case and
// a JSON record (fuzz_finding.h). Without an oracle, an h1ref serving `docroot` is started
// and stopped here. The command line lives in cli/fuzz_command.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "wire/endpoint.h"

namespace h1spec::fuzz {

inline constexpr int kFuzzClean = 0;
inline constexpr int kFuzzFindings = 1;  ///< findings, or a crash of the target
inline constexpr int kFuzzHarnessError = 3;

struct FuzzOptions {
  Endpoint target;
  std::optional<Endpoint> oracle;
  double seconds = 60;
  std::uint64_t seed = 1;
  std::uint64_t count = 1'000'000;
  unsigned jobs = 4;
  std::string out = "build/h1spec-fuzz";
  std::chrono::milliseconds timeout{1000};
  std::size_t budget = 400;
  double recover_seconds = 10;
  std::string cases_dir, docroot, h1ref;
};

// Runs until o.seconds or o.count; returns kFuzzClean, kFuzzFindings or kFuzzHarnessError.
// Every endpoint in o must already have passed the loopback guard (wire/endpoint.h).
[[nodiscard]] int run_fuzz(const FuzzOptions& o);

}  // namespace h1spec::fuzz
