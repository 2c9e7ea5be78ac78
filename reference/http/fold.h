// Small text helpers shared inside http/: optional whitespace (RFC 9110 §5.6.3),
// case-insensitive comparison against a lower-case name a word at a time, and decimals.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/chars.h"

namespace h1::http {

inline bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

inline std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

template <typename Word>
inline Word load(const char* p) noexcept {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// 0x20 in each byte of w that is a lower-case letter; every byte of w must be below 0x80.
template <typename Word>
constexpr Word lower_case_bits(Word w) noexcept {
  constexpr Word ones = static_cast<Word>(0x0101010101010101u);
  const Word at_least_a = w + ones * (0x80 - 'a');   // bit 7 set where the byte is >= 'a'
  const Word above_z = w + ones * (0x80 - 'z' - 1);  // bit 7 set where the byte is > 'z'
  return static_cast<Word>((at_least_a & ~above_z & ones * 0x80) >> 2);
}

// The words of a and lower at offset i are equal once a's letters are folded to lower case.
template <typename Word>
inline bool equal_folded(const char* a, const char* lower) noexcept {
  const Word l = load<Word>(lower);
  return static_cast<Word>(load<Word>(a) | lower_case_bits(l)) == l;
}

// a equals `lower`, which is ASCII with no upper-case letter, ignoring the case of a's letters:
// iequals(a, lower), a word at a time. A letter of `lower` matches either case, as bit 5 is
// all that tells them apart; any other byte must match exactly.
inline bool equals_lower(std::string_view a, std::string_view lower) noexcept {
  const std::size_t n = lower.size();
  if (a.size() != n) return false;
  const char* const x = a.data();
  const char* const y = lower.data();
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (!equal_folded<std::uint64_t>(x + i, y + i)) return false;
    }
    return equal_folded<std::uint64_t>(x + n - 8, y + n - 8);  // may overlap the last word
  }
  if (n >= 4) {
    return equal_folded<std::uint32_t>(x, y) && equal_folded<std::uint32_t>(x + n - 4, y + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (ascii_lower(x[i]) != y[i]) return false;
  }
  return true;
}

// Parses 1*DIGIT into a uint64 without overflow (RFC 9110 §8.6 Content-Length, §14.1.1
// range positions); false for anything else, an empty string included.
inline bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

}  // namespace h1::http
