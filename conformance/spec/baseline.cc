#include "spec/baseline.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace h1spec {

bool load_baseline(const std::string& path, Baseline& out, std::string& error) {
  out.file = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read the baseline";
    return false;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    error = path + ": not JSON (" + e.what() + ")";
    return false;
  }
  if (!doc.is_object() || doc.value("tool", "") != "h1spec" || !doc.contains("results") ||
      !doc["results"].is_array()) {
    error = path + R"(: not an h1spec --json report (no "tool": "h1spec" and results))";
    return false;
  }
  std::size_t n = 0;
  for (const nlohmann::json& r : doc["results"]) {
    ++n;
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string() || !r.contains("target") ||
        !r["target"].is_string() || !r.contains("verdict") || !r["verdict"].is_string() ||
        verdict_rank(r["verdict"].get<std::string>()) < 0) {
      error = path + ": result " + std::to_string(n) + " lacks a string id, target or verdict";
      return false;
    }
    out.verdicts[{r["target"].get<std::string>(), r["id"].get<std::string>()}] =
        r["verdict"].get<std::string>();
  }
  return true;
}

int verdict_rank(std::string_view verdict) {
  if (verdict == "PASS" || verdict == "N/A" || verdict == "WAIVED") return 2;
  if (verdict == "WARN") return 1;
  if (verdict == "FAIL" || verdict == "ERROR") return 0;
  return -1;
}

std::vector<std::string> baseline_targets(const Baseline& b) {
  std::vector<std::string> out;
  for (const auto& [key, verdict] : b.verdicts) {
    if (out.empty() || out.back() != key.first) out.push_back(key.first);
  }
  return out;
}

bool holds_target(const Baseline& b, const std::string& target) {
  const auto it = b.verdicts.lower_bound({target, ""});
  return it != b.verdicts.end() && it->first.first == target;
}

Change compare_with(const Baseline& b, const std::string& target, const std::string& case_id,
                    std::string_view verdict, std::string* before) {
  const auto it = b.verdicts.find({target, case_id});
  if (it == b.verdicts.end()) return Change::added;
  if (before != nullptr) *before = it->second;
  const int was = verdict_rank(it->second);
  const int now = verdict_rank(verdict);
  return now < was ? Change::worse : now > was ? Change::better : Change::same;
}

}  // namespace h1spec
