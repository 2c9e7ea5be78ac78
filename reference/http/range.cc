#include "http/range.h"

#include "http/chars.h"
#include "http/fold.h"

namespace h1::http {

namespace {

constexpr RangeResult kIgnore{};
constexpr RangeResult kUnsatisfiable{RangeStatus::unsatisfiable, {}};

bool is_bytes_unit(std::string_view unit) noexcept { return equals_lower(unit, "bytes"); }

// The one non-empty element of the range-set; empty if there are none or several (§5.6.1
// makes empty list elements legal, so "0-1, ," still names a single range).
std::string_view single_spec(std::string_view set) noexcept {
  std::string_view found;
  int count = 0;
  while (true) {
    const auto comma = set.find(',');
    const std::string_view element = trim_ows(set.substr(0, comma));
    if (!element.empty()) {
      found = element;
      ++count;
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  return count == 1 ? found : std::string_view{};
}

RangeResult suffix_range(std::string_view digits, std::uint64_t size) noexcept {
  std::uint64_t n = 0;
  if (!parse_decimal(digits, n)) return kIgnore;
  // "-0" asks for no bytes at all, and nothing can be cut from an empty representation.
  if (n == 0 || size == 0) return kUnsatisfiable;
  return {RangeStatus::satisfiable, {n >= size ? 0 : size - n, size - 1}};
}

RangeResult int_range(std::string_view spec, std::uint64_t size) noexcept {
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return kIgnore;
  std::uint64_t first = 0;
  std::uint64_t last = UINT64_MAX;
  if (!parse_decimal(spec.substr(0, dash), first)) return kIgnore;
  const std::string_view last_digits = spec.substr(dash + 1);
  if (!last_digits.empty() && !parse_decimal(last_digits, last)) return kIgnore;
  if (last < first) return kIgnore;  // an invalid range-spec, not an unsatisfiable one
  if (first >= size) return kUnsatisfiable;
  return {RangeStatus::satisfiable, {first, last < size ? last : size - 1}};
}

}  // namespace

RangeResult parse_range(std::string_view value, std::uint64_t size) noexcept {
  const auto eq = value.find('=');
  if (eq == std::string_view::npos || !is_bytes_unit(value.substr(0, eq))) return kIgnore;
  const std::string_view spec = single_spec(value.substr(eq + 1));
  if (spec.empty()) return kIgnore;
  if (spec.front() == '-') return suffix_range(spec.substr(1), size);
  return int_range(spec, size);
}

}  // namespace h1::http
