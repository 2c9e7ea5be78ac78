// HTTP-date (RFC 9110 §5.6.7): formatting as IMF-fixdate and strict parsing of all three forms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace h1::http {

/// Length of an IMF-fixdate such as "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr std::size_t kHttpDateLength = 29;

// Writes unix_seconds as an IMF-fixdate; returns kHttpDateLength, or 0 (nothing written) if out
// is too small or the year lies outside 0..9999.
[[nodiscard]] std::size_t format_http_date(std::int64_t unix_seconds, std::span<char> out) noexcept;

// Parses an IMF-fixdate, rfc850-date or asctime-date exactly as RFC 9110 spells them; false
// (unix_seconds untouched) on any deviation or impossible date.
[[nodiscard]] bool parse_http_date(std::string_view s, std::int64_t& unix_seconds) noexcept;

}  // namespace h1::http
