// Loading a directory of case files: every *.md, in name order, with unique ids.
#pragma once

#include <string>
#include <vector>

#include "spec/case_file.h"

namespace h1spec {

// Loads every *.md under dir, in name order; prints malformed cases with file and line and
// returns false if there were any (or no case file at all).
[[nodiscard]] bool load_cases(const std::string& dir, std::vector<Case>& cases);

}  // namespace h1spec
