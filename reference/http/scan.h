// Byte-class scans for the request-head parser. token, target and reg_name return the offset of
// the first byte in [from, end) outside a class of chars.h, or end when there is none;
// field_value_stops maps the bytes a field value may not hold in a 64-byte window to bits.
//
// Every scan comes twice: *_scalar, a table loop that runs anywhere, and *_simd, 16 bytes at a
// time with SSE2 (baseline on x86-64, so no runtime dispatch; elsewhere *_simd is *_scalar). The
// unprefixed name is what the parser calls. Both give the same answer for every input
// (tests/http/scan_test.cc checks them against each other and against chars.h), and neither
// reads outside [0, end): a range whose last 16-byte block would cross `end` is finished with
// one load of the 16 bytes that end at `end` (bytes before the range are read, not used), or
// byte by byte when end < 16.
//
// Precondition for all: from <= end (base <= end), and data[0, end) is readable.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "http/chars.h"

#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#include <emmintrin.h>
#define H1_SCAN_SSE2 1
#else
#define H1_SCAN_SSE2 0
#endif

namespace h1::http::scan {

// True when the *_simd scans are vectorised on this target; otherwise they are the scalar ones.
inline constexpr bool kSimd = H1_SCAN_SSE2 != 0;

// --- Scalar ---

// First byte that is not a tchar (RFC 9110 §5.6.2).
inline std::size_t token_scalar(const char* data, std::size_t end, std::size_t from) noexcept {
  while (from < end && is_tchar(data[from])) ++from;
  return from;
}

// First byte that is not a literal request-target character; '%' counts as one such byte,
// since its triplet needs a look at the next two.
inline std::size_t target_scalar(const char* data, std::size_t end, std::size_t from) noexcept {
  while (from < end && target_class(data[from]) == TargetClass::plain) ++from;
  return from;
}

// First byte that is not unreserved or sub-delims (RFC 3986): '%' stops it, as in target_scalar.
inline std::size_t reg_name_scalar(const char* data, std::size_t end, std::size_t from) noexcept {
  while (from < end && is_unreserved_or_sub_delim(data[from])) ++from;
  return from;
}

// The bytes of [base, base + 64) that may not appear in a field value (a CTL other than HTAB, or
// DEL; CR and LF among them), as bit i for byte base + i. Bits at or past end are clear.
// Precondition: base <= end.
inline std::uint64_t field_value_stops_scalar(const char* data, std::size_t end,
                                              std::size_t base) noexcept {
  const std::size_t n = end - base < 64 ? end - base : 64;
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bits |= std::uint64_t{!is_field_value_char(data[base + i])} << i;
  }
  return bits;
}

#if H1_SCAN_SSE2
namespace detail {

// All-ones in each byte that lies in [lo, hi], as unsigned values (lo <= hi).
inline __m128i in_range(__m128i v, unsigned char lo, unsigned char hi) noexcept {
  // Shift lo to -128 so that one signed comparison bounds both ends.
  const __m128i shifted = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
  return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + (hi - lo) + 1)));
}

inline __m128i equals(__m128i v, char c) noexcept { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }

// Bit i set when byte i is not a tchar: outside 0x21-0x7E, or one of "(),/:;<=>?@[\]{}.
inline unsigned non_token_mask(__m128i v) noexcept {
  const __m128i visible = in_range(v, 0x21, 0x7e);
  const __m128i or1 = _mm_or_si128(v, _mm_set1_epi8(0x01));  // '(' and ')' meet at ')'
  __m128i bad = _mm_or_si128(equals(v, '"'), equals(or1, ')'));
  bad = _mm_or_si128(bad, _mm_or_si128(equals(v, ','), equals(v, '/')));
  bad = _mm_or_si128(bad, _mm_or_si128(in_range(v, ':', '@'), in_range(v, '[', ']')));
  bad = _mm_or_si128(bad, _mm_or_si128(equals(v, '{'), equals(v, '}')));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(bad, _mm_andnot_si128(visible, _mm_set1_epi8(-1)))));
}

// Bit i set when byte i is not a letter, a digit or '-': the bytes of most field names, found
// in half the operations of non_token_mask.
inline unsigned non_alnum_dash_mask(__m128i v) noexcept {
  const __m128i letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
  const __m128i good = _mm_or_si128(_mm_or_si128(letter, in_range(v, '0', '9')), equals(v, '-'));
  return static_cast<unsigned>(_mm_movemask_epi8(good)) ^ 0xffffu;
}

// Bit i set when byte i may not appear in a field value: a CTL other than HTAB, or DEL.
inline unsigned non_field_value_mask(__m128i v) noexcept {
  const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);  // v <= 0x1F
  const __m128i bad = _mm_or_si128(_mm_andnot_si128(equals(v, '\t'), ctl), equals(v, 0x7f));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
}

// Bit i set when byte i is not a literal target character, or is '%': outside 0x21-0x7E, or
// one of "#%<>\^`{|}.
inline unsigned non_target_mask(__m128i v) noexcept {
  const __m128i visible = in_range(v, 0x21, 0x7e);
  const __m128i or1 = _mm_or_si128(v, _mm_set1_epi8(0x01));  // '"' and '#' meet at '#'
  const __m128i or2 = _mm_or_si128(v, _mm_set1_epi8(0x02));  // '<' '>' at '>', '\' '^' at '^'
  __m128i bad = _mm_or_si128(equals(or1, '#'), equals(v, '%'));
  bad = _mm_or_si128(bad, _mm_or_si128(equals(or2, '>'), equals(or2, '^')));
  bad = _mm_or_si128(bad, _mm_or_si128(equals(v, '`'), in_range(v, '{', '}')));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(bad, _mm_andnot_si128(visible, _mm_set1_epi8(-1)))));
}

// Bit i set when byte i is neither unreserved nor sub-delims: the target's stops, and the
// characters a target allows but a reg-name does not, ":/?@[]".
inline unsigned non_reg_name_mask(__m128i v) noexcept {
  __m128i bad = _mm_or_si128(equals(v, ':'), equals(v, '/'));
  bad = _mm_or_si128(bad, _mm_or_si128(equals(v, '?'), equals(v, '@')));
  bad = _mm_or_si128(bad, in_range(v, '[', ']'));
  return non_target_mask(v) | static_cast<unsigned>(_mm_movemask_epi8(bad));
}

// The loop of the offset scans: Mask(block) has bit i set for a byte that stops the scan; Tail
// takes ranges too short for one block.
template <unsigned (*Mask)(__m128i), std::size_t (*Tail)(const char*, std::size_t, std::size_t)>
inline std::size_t scan_sse2(const char* data, std::size_t end, std::size_t from) noexcept {
  std::size_t i = from;
  while (end - i >= 16) {
    const unsigned m = Mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i)));
    if (m != 0) return i + static_cast<std::size_t>(std::countr_zero(m));
    i += 16;
  }
  if (i == end) return end;
  if (end < 16) return Tail(data, end, i);
  // The last block ends at `end` and starts before i: drop the bits of the bytes before i.
  const std::size_t base = end - 16;
  const unsigned m =
      Mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + base))) >> (i - base);
  return m != 0 ? i + static_cast<std::size_t>(std::countr_zero(m)) : end;
}

// Mask(block) of the 16 bytes at `at`.
template <unsigned (*Mask)(__m128i)>
inline std::uint64_t mask16(const char* data, std::size_t at) noexcept {
  return Mask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at)));
}

}  // namespace detail
#endif

// --- SIMD (the scalar ones where SSE2 is missing) ---

inline std::size_t token_simd(const char* data, std::size_t end, std::size_t from) noexcept {
#if H1_SCAN_SSE2
  // Letters, digits and '-' first; the full class only from a tchar outside them, if any.
  const std::size_t i =
      detail::scan_sse2<detail::non_alnum_dash_mask, token_scalar>(data, end, from);
  if (i == end || !is_tchar(data[i])) return i;
  return detail::scan_sse2<detail::non_token_mask, token_scalar>(data, end, i);
#else
  return token_scalar(data, end, from);
#endif
}

inline std::size_t target_simd(const char* data, std::size_t end, std::size_t from) noexcept {
#if H1_SCAN_SSE2
  return detail::scan_sse2<detail::non_target_mask, target_scalar>(data, end, from);
#else
  return target_scalar(data, end, from);
#endif
}

inline std::size_t reg_name_simd(const char* data, std::size_t end, std::size_t from) noexcept {
#if H1_SCAN_SSE2
  return detail::scan_sse2<detail::non_reg_name_mask, reg_name_scalar>(data, end, from);
#else
  return reg_name_scalar(data, end, from);
#endif
}

inline std::uint64_t field_value_stops_simd(const char* data, std::size_t end,
                                            std::size_t base) noexcept {
#if H1_SCAN_SSE2
  using detail::mask16;
  using detail::non_field_value_mask;
  if (end - base >= 64) {
    return mask16<non_field_value_mask>(data, base) |
           mask16<non_field_value_mask>(data, base + 16) << 16 |
           mask16<non_field_value_mask>(data, base + 32) << 32 |
           mask16<non_field_value_mask>(data, base + 48) << 48;
  }
  if (end < 16) return field_value_stops_scalar(data, end, base);
  // Whole blocks, then the 16 bytes that end at `end`, without the bits of bytes already seen.
  std::uint64_t bits = 0;
  std::size_t i = base;
  for (; end - i >= 16; i += 16) bits |= mask16<non_field_value_mask>(data, i) << (i - base);
  if (i != end) {
    bits |= mask16<non_field_value_mask>(data, end - 16) >> (i - (end - 16)) << (i - base);
  }
  return bits;
#else
  return field_value_stops_scalar(data, end, base);
#endif
}

// --- What the parser calls ---

inline std::size_t token(const char* data, std::size_t end, std::size_t from) noexcept {
  return token_simd(data, end, from);
}
inline std::size_t target(const char* data, std::size_t end, std::size_t from) noexcept {
  return target_simd(data, end, from);
}
inline std::size_t reg_name(const char* data, std::size_t end, std::size_t from) noexcept {
  return reg_name_simd(data, end, from);
}
inline std::uint64_t field_value_stops(const char* data, std::size_t end,
                                       std::size_t base) noexcept {
  return field_value_stops_simd(data, end, base);
}

}  // namespace h1::http::scan
