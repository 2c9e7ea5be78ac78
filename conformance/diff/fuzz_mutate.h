// `h1spec fuzz`, part 1: the mutants. Pure: no sockets, no clock, no global state.
//
// Seeds are the raw cases' request bytes. A mutant is a seed (or two, concatenated) after a
// few request-level mutations, plus the points where its send is cut into separate writes.
// Mutant number i of a run depends only on the seed list, the run's seed and i, so a run is
// reproducible whatever the number of workers and whatever order they take mutants in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spec/case_file.h"

namespace h1spec::fuzz {

// splitmix64: small, fast, and the same on every platform (std:: distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n); n > 0.
  std::size_t below(std::size_t n);
  // True with probability percent / 100.
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

struct Seed {
  std::string id;     ///< the case it came from
  std::string bytes;  ///< every write of the case, joined, {{host}} expanded
  std::string rfc;    ///< the case's reference, e.g. "RFC 9112 §6.1"
  std::string quote;  ///< and its sentence
};

// The Host every seed is expanded with: the same bytes go to the target and to the oracle.
inline constexpr std::string_view kFuzzHost = "localhost";
// Longer seeds ({{repeat}} bodies) are left out: they slow every exchange for little gain.
inline constexpr std::size_t kMaxSeedBytes = 16'384;

// The raw cases that send bytes, in case order; client-transport cases and long ones skipped.
[[nodiscard]] std::vector<Seed> seeds_from_cases(const std::vector<Case>& cases);

struct Mutant {
  std::string bytes;
  std::vector<std::size_t> cuts;  ///< ascending offsets in (0, size): separate writes start there
  std::size_t seed = 0;           ///< index of the first seed used
  std::string ops;                ///< the mutations applied, for the record ("dup-header,cut")
};

// Mutant number `index` of the run with seed `run_seed`. The first seeds.size() mutants are
// the seeds themselves, unmutated and sent whole.
[[nodiscard]] Mutant make_mutant(const std::vector<Seed>& seeds, std::uint64_t run_seed,
                                 std::uint64_t index);

// The lines of a request head: [begin, end) offsets of each line including its LF, from the
// request line to the empty line (inclusive), or to the end if there is no empty line.
struct LineSpan {
  std::size_t begin = 0, end = 0;
};
[[nodiscard]] std::vector<LineSpan> head_lines(std::string_view bytes, std::size_t from = 0);

// Offsets just past each "\r\n\r\n" or "\n\n": where a next message could begin.
[[nodiscard]] std::vector<std::size_t> boundaries(std::string_view bytes);

}  // namespace h1spec::fuzz
