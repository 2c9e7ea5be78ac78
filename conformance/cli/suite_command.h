// The h1spec command: options, case selection, the run, reports, exit code.
#pragma once

#include <string>
#include <vector>

#include "spec/case_file.h"

namespace h1spec {

// Exit codes of DESIGN.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitMustFailed = 1;
inline constexpr int kExitShouldFailed = 2;
inline constexpr int kExitHarness = 3;

struct CliOptions {
  std::vector<std::string> targets;  ///< HOST:PORT[=NAME]
  std::vector<std::string> proxies;  ///< HOST:PORT[=NAME] of reverse proxies (cli/proxy_setup.h)
  std::vector<int> origin_ports;     ///< the k-th proxy forwards to 127.0.0.1:origin_ports[k]
  std::string origin_backend;        ///< HOST:PORT the origins relay non-proxy cases to
  std::vector<std::string> case_globs;
  std::vector<std::string> tags;
  std::string profile = "rfc";
  bool strict = false;
  bool list = false;
  std::string junit, json, html, markdown;
  std::string baseline;       ///< an earlier --json report: fail only on what got worse
  std::string fail_on;        ///< must|should|never; empty: must, or should with --strict
  bool allow_remote = false;  ///< lift the loopback guard (wire/endpoint.h)
  int timeout_ms = 1500;
  bool no_split = false;
  bool verbose = false;
  std::string cases_dir;
  std::string docroot;
  int jobs = 8;
  unsigned long long seed = 1;
  std::string waivers_dir;  ///< holds <target name>.txt waiver files
  std::string today;        ///< YYYY-MM-DD for waiver expiry; empty: today (UTC)
};

// Runs the suite as the command line asked; returns the process exit code. Every check that
// needs no traffic (targets, the loopback guard, case files, report paths, waivers, the
// baseline) comes first; then one preflight per target; then the cases.
[[nodiscard]] int run_suite(const CliOptions& cli);

}  // namespace h1spec
