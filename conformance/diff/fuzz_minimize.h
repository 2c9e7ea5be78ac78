// `h1spec fuzz`, part 3: delta debugging. Pure: `keeps` is the only contact with servers.
//
// Shrinks a mutant while `keeps` says the discrepancy is still the same one. Passes, each
// repeated until nothing changes or the budget is spent: send it whole; drop whole lines
// (headers, chunk lines, whole messages); drop byte ranges of halving size (ddmin); replace
// runs of letters and digits by a single one.
#pragma once

#include <cstddef>
#include <functional>

#include "diff/fuzz_mutate.h"

namespace h1spec::fuzz {

struct MinimizeStats {
  std::size_t tries = 0;     ///< calls to keeps
  std::size_t accepted = 0;  ///< of which kept the discrepancy
};

// Returns the smallest mutant found; `budget` caps the calls to keeps.
[[nodiscard]] Mutant minimize(const Mutant& start, const std::function<bool(const Mutant&)>& keeps,
                              std::size_t budget, MinimizeStats* stats = nullptr);

}  // namespace h1spec::fuzz
