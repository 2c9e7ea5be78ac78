// Character classes of RFC 9110 §5.6.2 and RFC 3986, as constexpr lookup tables.
#pragma once

#include <array>
#include <cstdint>

namespace h1::http {

namespace detail {
consteval std::array<bool, 256> make_table(bool (*pred)(unsigned)) {
  std::array<bool, 256> t{};
  for (unsigned c = 0; c < 256; ++c) t[c] = pred(c);
  return t;
}
consteval bool is_alpha_u(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
consteval bool is_digit_u(unsigned c) { return c >= '0' && c <= '9'; }
consteval bool tchar_pred(unsigned c) {
  if (is_alpha_u(c) || is_digit_u(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}
// field-vchar / SP / HTAB: VCHAR, obs-text, SP and HTAB; never CTL or DEL.
consteval bool field_value_pred(unsigned c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }
// RFC 3986 characters allowed in a request-target (pchar, "/", "?", and "%" for pct-encoding).
consteval bool target_pred(unsigned c) {
  if (is_alpha_u(c) || is_digit_u(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':  // sub-delims
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
    case '/':
    case '?':
    case '%':
    case '[':
    case ']':  // IP-literal in authority
      return true;
    default:
      return false;
  }
}
consteval bool hex_pred(unsigned c) {
  return is_digit_u(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// RFC 3986 unreserved / sub-delims: what a reg-name holds besides pct-encoded triplets.
consteval bool reg_name_pred(unsigned c) {
  if (is_alpha_u(c) || is_digit_u(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':  // sub-delims
      return true;
    default:
      return false;
  }
}
consteval std::array<std::uint8_t, 256> make_target_classes() {
  std::array<std::uint8_t, 256> t{};
  for (unsigned c = 0; c < 256; ++c) t[c] = c == '%' ? 2 : target_pred(c) ? 1 : 0;
  return t;
}
}  // namespace detail

inline constexpr std::array<bool, 256> kTchar = detail::make_table(detail::tchar_pred);
inline constexpr std::array<bool, 256> kFieldValue = detail::make_table(detail::field_value_pred);
inline constexpr std::array<bool, 256> kTargetChar = detail::make_table(detail::target_pred);
inline constexpr std::array<bool, 256> kHexDigit = detail::make_table(detail::hex_pred);
inline constexpr std::array<bool, 256> kRegNameChar = detail::make_table(detail::reg_name_pred);

// True for a token character (tchar) of RFC 9110 §5.6.2.
constexpr bool is_tchar(char c) { return kTchar[static_cast<std::uint8_t>(c)]; }
// True for a byte allowed inside a field value (after OWS trimming).
constexpr bool is_field_value_char(char c) { return kFieldValue[static_cast<std::uint8_t>(c)]; }
// True for a byte allowed literally in a request-target.
constexpr bool is_target_char(char c) { return kTargetChar[static_cast<std::uint8_t>(c)]; }
// How a byte may appear in a request-target: never, as itself, or as the '%' of a triplet.
enum class TargetClass : std::uint8_t { invalid = 0, plain = 1, percent = 2 };
inline constexpr std::array<std::uint8_t, 256> kTargetClass = detail::make_target_classes();
constexpr TargetClass target_class(char c) {
  return static_cast<TargetClass>(kTargetClass[static_cast<std::uint8_t>(c)]);
}
// True for an unreserved or sub-delims character (RFC 3986 §2.2, §2.3).
constexpr bool is_unreserved_or_sub_delim(char c) {
  return kRegNameChar[static_cast<std::uint8_t>(c)];
}
constexpr bool is_hex_digit(char c) { return kHexDigit[static_cast<std::uint8_t>(c)]; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Value of a hex digit; only meaningful when is_hex_digit(c).
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

}  // namespace h1::http
