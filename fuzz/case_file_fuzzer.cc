// Fuzz target: h1spec's case-file parser and the byte rules of its ```http blocks.
//
// Input: the text of a case file (conformance/cases/*.md).
// Skipped, to keep executions fast: inputs with more than kMaxRepeats "{{repeat" templates, and
// inputs with a legal {{repeat N "text"}} (N <= 10 000 000) that may write more than 1 MB.
// Larger counts are kept: the parser must refuse them, and that check is what needs fuzzing.
// Invariants:
//   - parse_case_file returns (no crash, no hang, no runaway allocation);
//   - every error names the file and a line within the text (or 1 for an empty text);
//   - every case names the file, sits on a line of the text and carries the file's tag;
//   - a file with no errors has a topic, and each case has an id, an RFC reference, at least
//     one ```http block and at least one expected alternative;
//   - decode_bytes on the input's lines writes at most one byte per input byte, two per line
//     (CRLF) and 10 MB per {{repeat}} rule.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "spec/case_file.h"

namespace {

constexpr std::size_t kMaxRepeats = 3;
constexpr std::size_t kMaxRepeatBytes = 10'000'000;
constexpr std::uint64_t kCheapRepeatBytes = 1'000'000;
constexpr std::string_view kFileName = "fuzz.md";

std::size_t count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// True if some {{repeat N "text"}} has a legal count and may write more than
// kCheapRepeatBytes; the raw text's length bounds the decoded unit's.
bool expensive_repeat(std::string_view text) {
  constexpr std::string_view kOpen = "{{repeat ";
  for (std::size_t at = text.find(kOpen); at != std::string_view::npos;
       at = text.find(kOpen, at + 1)) {
    std::size_t p = at + kOpen.size();
    std::uint64_t n = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9' && n <= kMaxRepeatBytes) {
      n = n * 10 + static_cast<std::uint64_t>(text[p++] - '0');
    }
    if (n > kMaxRepeatBytes) continue;  // must be refused: keep it
    std::size_t q = p + 2;
    while (q < text.size() && text[q] != '"') q += text[q] == '\\' ? 2 : 1;
    const std::size_t raw = std::min(q, text.size()) - std::min(p + 2, text.size());
    if (n * std::max<std::uint64_t>(raw, 1) > kCheapRepeatBytes) return true;
  }
  return false;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

void check_case_file(std::string_view text, std::size_t line_count) {
  const h1spec::CaseFile f = h1spec::parse_case_file(text, kFileName);
  const auto last_line = static_cast<int>(line_count == 0 ? 1 : line_count);
  for (const h1spec::CaseFileError& e : f.errors) {
    FUZZ_CHECK(e.file == kFileName && e.line >= 1 && e.line <= last_line);
    FUZZ_CHECK(!e.message.empty());
  }
  for (const h1spec::Case& c : f.cases) {
    FUZZ_CHECK(c.file == kFileName && c.line >= 1 && c.line <= last_line);
    FUZZ_CHECK(c.has_tag("fuzz"));
  }
  if (!f.errors.empty()) return;
  FUZZ_CHECK(!f.topic.empty());
  for (const h1spec::Case& c : f.cases) {
    FUZZ_CHECK(!c.id.empty() && !c.rfc.empty());
    FUZZ_CHECK(!c.sends.empty() && !c.alternatives.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t repeats = count(text, "{{repeat");
  if (repeats > kMaxRepeats || expensive_repeat(text)) return 0;
  const std::vector<std::string> lines = split_lines(text);
  check_case_file(text, lines.size());

  std::string out;
  std::string error;
  if (h1spec::decode_bytes(lines, out, error)) {
    FUZZ_CHECK(error.empty());
  } else {
    FUZZ_CHECK(!error.empty());
  }
  FUZZ_CHECK(out.size() <= size + 2 * lines.size() + repeats * kMaxRepeatBytes);
  return 0;
}
