// The h1spec command: options, case loading and selection, the run, reports, exit code.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "case_file.h"

namespace h1spec {

// Exit codes of DESIGN.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitMustFailed = 1;
inline constexpr int kExitShouldFailed = 2;
inline constexpr int kExitHarness = 3;

struct CliOptions {
  std::vector<std::string> targets;  ///< HOST:PORT[=NAME]
  std::vector<std::string> case_globs;
  std::vector<std::string> tags;
  std::string profile = "rfc";
  bool strict = false;
  bool list = false;
  std::string junit, json, html;
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

// Loads every *.md under dir, in name order; prints malformed cases with file and line and
// returns false if there were any (or no case file at all).
[[nodiscard]] bool load_cases(const std::string& dir, std::vector<Case>& cases);

// Runs the suite as the command line asked; returns the process exit code. run_catch runs
// the Catch2 session once the verdicts are registered as Catch2 test cases.
[[nodiscard]] int run_suite(const CliOptions& cli, const std::function<int()>& run_catch);

}  // namespace h1spec
