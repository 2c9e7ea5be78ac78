// Range requests (RFC 9110 §14.1.1-14.2), limited to one byte range per request.
#pragma once

#include <cstdint>
#include <string_view>

namespace h1::http {

/// An inclusive byte range, always within the representation when satisfiable.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

enum class RangeStatus : std::uint8_t {
  /// Serve the whole representation with 200: no usable Range (bad syntax, other unit, several
  /// ranges; RFC 9110 §14.2 lets a server ignore these).
  ignore,
  /// Serve `range` with 206.
  satisfiable,
  /// Answer 416 with Content-Range: bytes */size.
  unsatisfiable,
};

struct RangeResult {
  RangeStatus status = RangeStatus::ignore;
  ByteRange range{};  ///< meaningful only when status is satisfiable
};

// Parses a Range field value (RFC 9110 §14.1.1-14.2) for a representation of `size` bytes.
[[nodiscard]] RangeResult parse_range(std::string_view value, std::uint64_t size) noexcept;

}  // namespace h1::http
