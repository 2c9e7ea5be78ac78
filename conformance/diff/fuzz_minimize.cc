#include "diff/fuzz_minimize.h"

#include <cctype>
#include <string>
#include <vector>

namespace h1spec::fuzz {

namespace {

class Shrinker {
 public:
  Shrinker(Mutant start, const std::function<bool(const Mutant&)>& keeps, std::size_t budget)
      : best_(std::move(start)), keeps_(keeps), budget_(budget) {}

  Mutant run(MinimizeStats* stats) {
    try_whole();
    for (bool changed = true; changed && spent_ < budget_;) {
      changed = drop_lines();
      changed = drop_ranges() || changed;
      changed = squeeze_runs() || changed;
    }
    if (stats != nullptr) *stats = {spent_, accepted_};
    return best_;
  }

 private:
  // Tries a candidate; adopts it if the discrepancy survives.
  bool attempt(Mutant candidate) {
    if (spent_ >= budget_ || candidate.bytes.empty()) return false;  // a case sends something
    ++spent_;
    // Cuts beyond the new end are dropped; the rest keep their offsets.
    while (!candidate.cuts.empty() && candidate.cuts.back() >= candidate.bytes.size()) {
      candidate.cuts.pop_back();
    }
    if (!keeps_(candidate)) return false;
    ++accepted_;
    best_ = std::move(candidate);
    return true;
  }

  void try_whole() {
    if (best_.cuts.empty()) return;
    Mutant m = best_;
    m.cuts.clear();
    attempt(std::move(m));
  }

  // Removes one line (up to and including its LF) at a time, last to first.
  bool drop_lines() {
    bool changed = false;
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < best_.bytes.size(); ++i) {
      if (best_.bytes[i] == '\n' && i + 1 < best_.bytes.size()) starts.push_back(i + 1);
    }
    for (std::size_t k = starts.size(); k-- > 0 && spent_ < budget_;) {
      if (starts[k] >= best_.bytes.size()) continue;
      const std::size_t lf = best_.bytes.find('\n', starts[k]);
      const std::size_t end = lf == std::string::npos ? best_.bytes.size() : lf + 1;
      Mutant m = best_;
      m.bytes.erase(starts[k], end - starts[k]);
      changed = attempt(std::move(m)) || changed;
    }
    return changed;
  }

  // Whether offset i falls between the CR and the LF of a CRLF. Ranges never start or end
  // there, so a minimised request keeps its line ends whole (a lone CR or LF left behind
  // would change what the request is about, and read worse).
  bool splits_crlf(std::size_t i) const {
    return i > 0 && i < best_.bytes.size() && best_.bytes[i - 1] == '\r' && best_.bytes[i] == '\n';
  }

  // ddmin over bytes: ranges of size n/2, n/4, ... 1.
  bool drop_ranges() {
    bool changed = false;
    for (std::size_t chunk = best_.bytes.size() / 2; chunk >= 1 && spent_ < budget_; chunk /= 2) {
      for (std::size_t at = 0; at < best_.bytes.size() && spent_ < budget_;) {
        if (splits_crlf(at) || splits_crlf(at + chunk)) {
          at += chunk;
          continue;
        }
        Mutant m = best_;
        m.bytes.erase(at, chunk);
        if (attempt(std::move(m))) {
          changed = true;
        } else {
          at += chunk;
        }
      }
    }
    return changed;
  }

  // "index.html" -> "i.html", "12345" -> "1": shorter names and numbers read better.
  bool squeeze_runs() {
    bool changed = false;
    for (std::size_t at = 0; at < best_.bytes.size() && spent_ < budget_;) {
      const auto alnum = [&](std::size_t i) {
        return i < best_.bytes.size() &&
               std::isalnum(static_cast<unsigned char>(best_.bytes[i])) != 0;
      };
      if (!alnum(at)) {
        ++at;
        continue;
      }
      std::size_t end = at;
      while (alnum(end)) ++end;
      if (end - at > 1) {
        Mutant m = best_;
        m.bytes.erase(at + 1, end - at - 1);
        if (attempt(std::move(m))) {
          changed = true;
          ++at;
          continue;
        }
      }
      at = end;
    }
    return changed;
  }

  Mutant best_;
  const std::function<bool(const Mutant&)>& keeps_;
  std::size_t budget_;
  std::size_t spent_ = 0;
  std::size_t accepted_ = 0;
};

}  // namespace

Mutant minimize(const Mutant& start, const std::function<bool(const Mutant&)>& keeps,
                std::size_t budget, MinimizeStats* stats) {
  return Shrinker(start, keeps, budget).run(stats);
}

}  // namespace h1spec::fuzz
