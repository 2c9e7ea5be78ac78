// Fuzz target: http::parse_fields, the field lines after a request line.
//
// Input: one option byte, then the field section.
//   bits 0-2: field storage capacity, from {100, 0, 1, 2, 3, 8, 16, 100}
//   bit 3:    first = false (the fields do not follow a start line)
//   bits 4-5: limits, from {defaults, max_field_line 16, max_head 64, max_fields 2}
// Invariants, whatever the status:
//   - the field count is at most the capacity and at most max_fields;
//   - each stored field lies inside the input, its name at the start of a line and right
//     before a ':'; names are 1*tchar; values hold no CR, LF, NUL or other CTL but HTAB, and
//     start and end with neither SP nor HTAB;
//   - on complete: consumed is within the input and ends an empty line (CRLF).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "http/chars.h"
#include "http/request_parser.h"

namespace {

using h1::fuzz::inside;
using h1::fuzz::offset_of;
using namespace h1::http;

constexpr std::array<std::size_t, 8> kCapacities = {100, 0, 1, 2, 3, 8, 16, 100};

Limits limits_for(unsigned variant) {
  Limits l;
  if (variant == 1) l.max_field_line = 16;
  if (variant == 2) l.max_head = 64;
  if (variant == 3) l.max_fields = 2;
  return l;
}

void check_field(const Field& f, std::string_view in) {
  FUZZ_CHECK(inside(f.name, in.data(), in.size()) && inside(f.value, in.data(), in.size()));
  const std::size_t at = offset_of(f.name, in.data());
  FUZZ_CHECK(at == 0 || in[at - 1] == '\n');
  FUZZ_CHECK(!f.name.empty() && at + f.name.size() < in.size() && in[at + f.name.size()] == ':');
  for (char c : f.name) FUZZ_CHECK(is_tchar(c));
  FUZZ_CHECK(f.value.empty() || offset_of(f.value, in.data()) > at + f.name.size());
  for (char c : f.value) {
    FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0' && is_field_value_char(c));
  }
  if (!f.value.empty()) {
    FUZZ_CHECK(f.value.front() != ' ' && f.value.front() != '\t');
    FUZZ_CHECK(f.value.back() != ' ' && f.value.back() != '\t');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned options = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Limits limits = limits_for((options >> 4) & 3);
  const bool first = (options & 8) == 0;
  std::array<Field, 100> storage;
  const std::span<Field> fields(storage.data(), kCapacities[options & 7]);
  std::size_t count = 0;
  const ParseResult r = parse_fields({in.data(), in.size()}, fields, count, limits, first);
  FUZZ_CHECK(r.failed() == (r.error != ParseError::none));
  FUZZ_CHECK(count <= fields.size() && count <= limits.max_fields);
  for (std::size_t i = 0; i < count; ++i) check_field(fields[i], in);
  if (r.complete()) {
    FUZZ_CHECK(r.consumed >= 2 && r.consumed <= in.size());
    FUZZ_CHECK(in.substr(r.consumed - 2, 2) == "\r\n");
    FUZZ_CHECK(r.consumed == 2 || in.substr(r.consumed - 4, 4) == "\r\n\r\n");
    FUZZ_CHECK(r.consumed <= limits.max_head);
    for (std::size_t i = 0; i < count; ++i) {
      const Field& f = fields[i];
      FUZZ_CHECK(offset_of(f.value, in.data()) + f.value.size() <= r.consumed);
    }
  }
  return 0;
}
