// `h1spec fuzz`: the command line of the differential fuzzers, against an oracle
// (diff/fuzz_run.h) or through a reverse proxy (diff/fuzz_via_run.h).
//
//   h1spec fuzz --target HOST:PORT[=NAME] [--oracle HOST:PORT] [--seconds N] [--seed S]
//               [--count N] [--jobs N] [--out DIR] [--timeout MS] [--budget N]
//               [--cases DIR] [--docroot DIR] [--h1ref PATH] [--allow-remote]
//   h1spec fuzz --via HOST:PORT[=NAME] --origin-port N [--seconds N] [--seed S] [--count N]
//               [--out DIR] [--timeout MS] [--budget N] [--recover N] [--cases DIR]
//
// Exit status: 0 no findings, 1 findings (or a crash of the target), 3 harness error or a
// refused (non-loopback) target or proxy.
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
