// A baseline: the verdicts of an earlier run, read from its --json report, so that a server
// project can adopt h1spec before it passes everything and fail CI only on what got worse.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h1spec {

struct Baseline {
  std::string file;
  // (target name, case id) -> verdict as the report spells it: PASS, WARN, FAIL, N/A, …
  std::map<std::pair<std::string, std::string>, std::string> verdicts;
};

// Reads an h1spec --json report; false with error ("file: why") if it is not one.
[[nodiscard]] bool load_baseline(const std::string& path, Baseline& out, std::string& error);

// How good a verdict is: 2 for PASS, N/A and WAIVED, 1 for WARN, 0 for FAIL and ERROR;
// -1 for a spelling no report uses.
[[nodiscard]] int verdict_rank(std::string_view verdict);

// The target names the baseline holds results for, in order.
[[nodiscard]] std::vector<std::string> baseline_targets(const Baseline& b);

// True when the baseline holds any result for this target name. A target it does not know is
// graded without it: every failure counts, or a renamed target would hide them all.
[[nodiscard]] bool holds_target(const Baseline& b, const std::string& target);

enum class Change : std::uint8_t { same, worse, better, added };

// Compares one current verdict with the baseline's for that target and case.
[[nodiscard]] Change compare_with(const Baseline& b, const std::string& target,
                                  const std::string& case_id, std::string_view verdict,
                                  std::string* before = nullptr);

}  // namespace h1spec
