// Compares the failing cases of an h1spec JSON report with the list a fault must cause:
// every listed case must FAIL, and no other case may FAIL or ERROR.
// Usage: fault_check REPORT.json EXPECTED.txt
// EXPECTED holds one case id per line, with # comments. "ID ?" marks a case whose verdict
// under the fault depends on timing the suite cannot control: it may FAIL or not, and the line
// must say why in its comment.
#include <exception>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

int check(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fault_check REPORT.json EXPECTED.txt\n";
    return 2;
  }
  std::ifstream report(argv[1]);
  std::ifstream expected_file(argv[2]);
  if (!report || !expected_file) {
    std::cerr << "fault_check: cannot read " << (report ? argv[2] : argv[1]) << "\n";
    return 2;
  }
  std::set<std::string> expected, either;
  for (std::string line; std::getline(expected_file, line);) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.size() > 2 && line.ends_with(" ?")) {
      either.insert(line.substr(0, line.size() - 2));
    } else if (!line.empty()) {
      expected.insert(line);
    }
  }
  const nlohmann::json doc = nlohmann::json::parse(report, nullptr, false);
  if (doc.is_discarded() || !doc.contains("results")) {
    std::cerr << "fault_check: " << argv[1] << " is not an h1spec JSON report\n";
    return 2;
  }
  std::set<std::string> failed;
  std::size_t total = 0;
  for (const auto& r : doc["results"]) {
    ++total;
    const std::string verdict = r.value("verdict", "");
    if (verdict == "FAIL" || verdict == "ERROR")
      failed.insert(r.value("id", "") + (verdict == "ERROR" ? " (ERROR)" : ""));
  }
  int problems = 0;
  for (const std::string& id : expected) {
    if (!failed.count(id)) {
      std::cout << "not caught: " << id << " should FAIL under this fault\n";
      ++problems;
    }
  }
  for (const std::string& id : failed) {
    if (!expected.count(id) && !either.count(id)) {
      std::cout << "collateral: " << id << " failed but is not expected to\n";
      ++problems;
    }
  }
  std::cout << "fault_check: " << failed.size() << " of " << total << " cases failed, "
            << expected.size() << " expected, " << either.size() << " either way, " << problems
            << " mismatches\n";
  return problems == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return check(argc, argv);
  } catch (const std::exception& e) {  // a report that is not the JSON it should be
    std::cerr << "fault_check: " << e.what() << "\n";
    return 2;
  }
}
