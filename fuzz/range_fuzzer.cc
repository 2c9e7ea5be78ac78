// Fuzz target: http::parse_range, a Range field value against a representation size.
//
// Input: the size, then the field value.
//   byte 0 < 0xf0: the size is that byte (0..239)
//   byte 0 >= 0xf0: the size is the next 8 bytes, little-endian (extremes such as 2^64 - 1)
// Invariants:
//   - satisfiable: the size is non-zero and first <= last < size;
//   - anything but ignore: the value starts with the range unit "bytes=" (any case);
//   - appending an empty list element (", ") changes nothing (RFC 9110 §5.6.1).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.h"
#include "http/range.h"

namespace {

using namespace h1::http;

bool starts_with_bytes_unit(std::string_view v) {
  constexpr std::string_view kUnit = "bytes=";
  if (v.size() < kUnit.size()) return false;
  for (std::size_t i = 0; i < kUnit.size(); ++i) {
    const char c = v[i] >= 'A' && v[i] <= 'Z' ? static_cast<char>(v[i] - 'A' + 'a') : v[i];
    if (c != kUnit[i]) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint64_t total = data[0];
  std::size_t skip = 1;
  if (data[0] >= 0xf0) {
    if (size < 9) return 0;
    total = 0;
    for (std::size_t i = 8; i >= 1; --i) total = (total << 8) | data[i];
    skip = 9;
  }
  const std::string_view value(reinterpret_cast<const char*>(data) + skip, size - skip);
  const RangeResult r = parse_range(value, total);
  if (r.status == RangeStatus::satisfiable) {
    FUZZ_CHECK(total > 0);
    FUZZ_CHECK(r.range.first <= r.range.last && r.range.last < total);
  }
  if (r.status != RangeStatus::ignore) FUZZ_CHECK(starts_with_bytes_unit(value));
  static h1::fuzz::TailBuffer scratch;
  const std::span<char> longer = scratch.copy(value, ", ");
  const RangeResult again = parse_range({longer.data(), longer.size()}, total);
  FUZZ_CHECK(again.status == r.status);
  if (r.status == RangeStatus::satisfiable) {
    FUZZ_CHECK(again.range.first == r.range.first && again.range.last == r.range.last);
  }
  return 0;
}
