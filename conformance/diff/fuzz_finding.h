// `h1spec fuzz`, part 4: a finding, written as a conformance case ready to paste into
// conformance/cases/ and as a JSON record. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "diff/fuzz_mutate.h"
#include "diff/fuzz_outcome.h"

namespace h1spec::fuzz {

struct Finding {
  std::string id;          ///< FUZZ-DANGER-1A2B3C4D: kind and a hash of the key
  std::string key;         ///< what findings are de-duplicated by
  Difference difference;   ///< of the minimised mutant
  Mutant original;         ///< as generated
  Mutant minimal;          ///< after delta debugging
  Outcome target, oracle;  ///< of the minimised mutant
  std::string target_name;
  std::uint64_t run_seed = 0, index = 0;
  const Seed* seed = nullptr;  ///< where the mutant came from
  bool crash = false;          ///< the target stopped answering after this input
};

// The de-duplication key: the kind, the tokens where the two servers part, and the field
// names left in the minimised request (lower case, sorted), so that one root cause reached
// from many seeds is reported once.
[[nodiscard]] std::string finding_key(const Difference& d, std::string_view minimal_bytes);
// The field names of every `name:` line in the bytes, lower case, sorted, each followed by a
// comma: the part of a de-duplication key that both fuzzers share.
[[nodiscard]] std::string field_names_key(std::string_view bytes);
// A finding's id suffix: eight upper-case hex digits of the key's hash.
[[nodiscard]] std::string finding_hash(std::string_view key);
// A verdict kind as it stands in an id ("danger" -> "DANGER").
[[nodiscard]] std::string upper_ascii(std::string_view s);

// The Markdown case: heading, prose with both outcomes, the seed case's RFC quote, meta (the
// client half-closes after sending, as the fuzzer did), one http block per write, and an
// expect block that holds what the oracle did.
[[nodiscard]] std::string case_markdown(const Finding& f);
// The JSON record: bytes in hex and escaped, both outcomes, seed, index, mutations.
[[nodiscard]] std::string finding_json(const Finding& f);

// Bytes as an http block's lines (the case format's escapes; CRLF ends a line).
[[nodiscard]] std::string http_block_lines(std::string_view bytes);
// Bytes with C-style escapes for everything but printable ASCII, on one line.
[[nodiscard]] std::string escape_bytes(std::string_view bytes);

}  // namespace h1spec::fuzz
