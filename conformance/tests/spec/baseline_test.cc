#include "spec/baseline.h"

#include <catch2/catch.hpp>
#include <string>

using namespace h1spec;

namespace {
Baseline sample() {
  Baseline b;
  b.file = "old.json";
  b.verdicts[{"h1ref", "A"}] = "PASS";
  b.verdicts[{"h1ref", "B"}] = "FAIL";
  b.verdicts[{"h1ref", "C"}] = "WARN";
  b.verdicts[{"h1ref-b", "A"}] = "FAIL";  // a name that extends another one
  return b;
}
}  // namespace

TEST_CASE("a baseline compares per target name and case", "[baseline]") {
  const Baseline b = sample();
  CHECK(compare_with(b, "h1ref", "A", "FAIL") == Change::worse);
  CHECK(compare_with(b, "h1ref", "A", "WARN") == Change::worse);
  CHECK(compare_with(b, "h1ref", "C", "FAIL") == Change::worse);
  CHECK(compare_with(b, "h1ref", "B", "PASS") == Change::better);
  CHECK(compare_with(b, "h1ref", "B", "ERROR") == Change::same);
  CHECK(compare_with(b, "h1ref", "A", "N/A") == Change::same);
  CHECK(compare_with(b, "h1ref", "A", "WAIVED") == Change::same);
  CHECK(compare_with(b, "h1ref-b", "A", "PASS") == Change::better);
  CHECK(compare_with(b, "h1ref", "D", "FAIL") == Change::added);
  CHECK(compare_with(b, "other", "A", "FAIL") == Change::added);
  std::string before;
  CHECK(compare_with(b, "h1ref", "C", "PASS", &before) == Change::better);
  CHECK(before == "WARN");
}

TEST_CASE("holds_target: only exact target names", "[baseline]") {
  const Baseline b = sample();
  CHECK(holds_target(b, "h1ref"));
  CHECK(holds_target(b, "h1ref-b"));
  CHECK_FALSE(holds_target(b, "h1re"));
  CHECK_FALSE(holds_target(b, "h1ref-"));
  CHECK_FALSE(holds_target(b, "127.0.0.1:8080"));
  CHECK_FALSE(holds_target(b, ""));
  CHECK_FALSE(holds_target(Baseline{}, "h1ref"));
  CHECK(baseline_targets(b) == std::vector<std::string>{"h1ref", "h1ref-b"});
  CHECK(baseline_targets(Baseline{}).empty());
}
