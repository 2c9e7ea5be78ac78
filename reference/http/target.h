// Request-target path normalisation: percent-decoding and dot-segment removal (RFC 3986 §5.2.4),
// strict enough that the result can be handed to a filesystem lookup beneath a root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace h1::http {

// Values are stable: they appear in logs, fuzz regressions and tests; only append.
enum class TargetError : std::uint8_t {
  /// No error.
  none = 0,
  /// The path is empty or does not start with '/'.
  not_absolute_path = 1,
  /// A '%' not followed by two hex digits, or an encoded '%' (%25) that a second decoder would
  /// read differently.
  bad_percent_encoding = 2,
  /// %00: an encoded NUL would truncate the path in C APIs.
  encoded_nul = 3,
  /// %2F: an encoded '/' would change where the segment boundaries are.
  encoded_slash = 4,
  /// A raw or decoded '\\', a path separator on other systems.
  backslash = 5,
  /// A raw or decoded byte below 0x20, or 0x7f.
  control_char = 6,
  /// A ".." segment that would climb above the root.
  escapes_root = 7,
  /// The output span is too small for the result.
  too_long = 8,
};

/// Number of enumerators, for tables and exhaustive tests.
inline constexpr int kTargetErrorCount = 9;

struct NormalizeResult {
  TargetError error = TargetError::none;
  std::size_t length = 0;  ///< bytes written to the output span; 0 on error
};

// Splits an origin-form target at the first '?': returns the path part.
[[nodiscard]] std::string_view path_of(std::string_view target) noexcept;

// The query of an origin-form target, without the '?'; empty if there is none.
[[nodiscard]] std::string_view query_of(std::string_view target) noexcept;

// Percent-decodes `path` (which must start with '/') and removes dot-segments (RFC 3986 §5.2.4),
// collapsing repeated '/'. Writes into out; out.size() >= path.size() always suffices.
[[nodiscard]] NormalizeResult normalize_path(std::string_view path, std::span<char> out) noexcept;

// True iff p is a fixed point of normalize_path: starts with '/', no empty segment except a
// trailing slash, no "." or ".." segment, no '%', NUL, backslash, byte < 0x20 or 0x7f.
[[nodiscard]] bool is_normalized(std::string_view p) noexcept;

// Stable snake_case name of an error, as spelled in the enum.
[[nodiscard]] std::string_view to_string(TargetError e) noexcept;

}  // namespace h1::http
