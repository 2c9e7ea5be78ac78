#include "spec/case_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace h1spec {

namespace fs = std::filesystem;

bool load_cases(const std::string& dir, std::vector<Case>& cases) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  if (ec || files.empty()) {
    std::cerr << "h1spec: no case files in " << dir << (ec ? ": " + ec.message() : "") << "\n";
    return false;
  }
  std::sort(files.begin(), files.end());
  bool ok = true;
  std::set<std::string> ids;
  for (const fs::path& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    CaseFile parsed = parse_case_file(text.str(), p.filename().string());
    for (const CaseFileError& e : parsed.errors) {
      std::cerr << (dir + "/") << e.describe() << "\n";
      ok = false;
    }
    for (Case& c : parsed.cases) {
      if (!ids.insert(c.id).second) {
        std::cerr << dir << "/" << c.file << ":" << c.line << ": duplicate case id " << c.id
                  << "\n";
        ok = false;
      }
      cases.push_back(std::move(c));
    }
  }
  return ok;
}

}  // namespace h1spec
