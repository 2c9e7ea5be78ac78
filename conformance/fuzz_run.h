// `h1spec fuzz`: black-box differential fuzzing of a live server against h1ref.
//
//   h1spec fuzz --target HOST:PORT[=NAME] [--oracle HOST:PORT] [--seconds N] [--seed S]
//               [--count N] [--jobs N] [--out DIR] [--timeout MS] [--budget N]
//               [--cases DIR] [--docroot DIR] [--h1ref PATH]
//
// Mutants of the case corpus (fuzz_mutate.h) go to the target and to the oracle over
// loopback; their outcomes are compared (fuzz_outcome.h); each new discrepancy is minimised
// (fuzz_minimize.h) and written to DIR as a conformance case and a JSON record
// (fuzz_finding.h). Without --oracle, an h1ref serving --docroot is started and stopped here.
//
// Exit status: 0 no findings, 1 findings (or a crash of the target), 3 harness error.
#pragma once

#include <string>

namespace h1spec::fuzz {

struct Defaults {
  std::string cases_dir;
  std::string docroot;
  std::string h1ref;
};

// argv[0] is "fuzz".
[[nodiscard]] int fuzz_main(int argc, char** argv, const Defaults& defaults);

}  // namespace h1spec::fuzz
