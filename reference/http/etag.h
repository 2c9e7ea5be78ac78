// Entity-tags (RFC 9110 §8.8.3) and the If-Match / If-None-Match list comparisons (§13.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace h1::http {

/// Longest tag format_etag writes: two quotes, a '-' and two 16-digit hex numbers.
inline constexpr std::size_t kMaxEtagLength = 35;

// Writes the strong entity-tag "\"<hex size>-<hex mtime_ns>\"" (quotes included); returns its
// length, or 0 (nothing written) if out is too small.
[[nodiscard]] std::size_t format_etag(std::uint64_t size, std::int64_t mtime_ns,
                                      std::span<char> out) noexcept;

// True if an If-None-Match value is "*" or lists a tag equal to etag under weak comparison;
// false if it does not, or if any list member is not an entity-tag.
[[nodiscard]] bool if_none_match_matches(std::string_view field_value,
                                         std::string_view etag) noexcept;

// True if an If-Match value is "*" or lists a tag equal to etag under strong comparison (weak
// tags never match); false if it does not, or if any list member is not an entity-tag.
[[nodiscard]] bool if_match_matches(std::string_view field_value, std::string_view etag) noexcept;

}  // namespace h1::http
