#include "http/target.h"

#include "http/chars.h"

namespace h1::http {

namespace {

// Bytes that are refused whether they arrive raw or percent-encoded.
TargetError check_byte(unsigned char b) noexcept {
  if (b == '\\') return TargetError::backslash;
  if (b < 0x20 || b == 0x7f) return TargetError::control_char;
  return TargetError::none;
}

// Encoded bytes get sharper errors than raw ones: they are the usual disguise of an attack.
TargetError check_decoded(unsigned char b) noexcept {
  if (b == 0) return TargetError::encoded_nul;
  if (b == '/') return TargetError::encoded_slash;
  // A decoded '%' would be decoded again by a second pass, so the output would not be a fixed
  // point and double-encoded traversal ("%252e%252e") would reach whoever decodes next.
  if (b == '%') return TargetError::bad_percent_encoding;
  return check_byte(b);
}

// Decodes one raw segment (no '/' inside) to out[pos...], advancing pos.
TargetError decode_segment(std::string_view raw, std::span<char> out, std::size_t& pos) noexcept {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto b = static_cast<unsigned char>(raw[i]);
    TargetError e = TargetError::none;
    if (b == '%') {
      if (raw.size() - i < 3 || !is_hex_digit(raw[i + 1]) || !is_hex_digit(raw[i + 2])) {
        return TargetError::bad_percent_encoding;
      }
      b = static_cast<unsigned char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
      i += 2;
      e = check_decoded(b);
    } else {
      e = check_byte(b);
    }
    if (e != TargetError::none) return e;
    if (pos >= out.size()) return TargetError::too_long;
    out[pos++] = static_cast<char>(b);
  }
  return TargetError::none;
}

// Length of out up to and including the '/' before the last segment; out[end - 1] == '/'.
std::size_t parent_end(std::span<const char> out, std::size_t end) noexcept {
  std::size_t i = end - 1;
  while (i > 0 && out[i - 1] != '/') --i;
  return i;
}

}  // namespace

std::string_view path_of(std::string_view target) noexcept {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) noexcept {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

// Invariant: out[0, len) is normalised and ends in '/' whenever another segment follows, so
// a segment is decoded in place and then kept, dropped, or turned into a pop of its parent.
NormalizeResult normalize_path(std::string_view path, std::span<char> out) noexcept {
  if (path.empty() || path.front() != '/') return {TargetError::not_absolute_path, 0};
  if (out.empty()) return {TargetError::too_long, 0};
  out[0] = '/';
  std::size_t len = 1;
  for (std::size_t i = 1;;) {
    const std::size_t slash = path.find('/', i);
    const bool more = slash != std::string_view::npos;
    const std::size_t start = len;
    const TargetError e = decode_segment(path.substr(i, more ? slash - i : path.size()), out, len);
    if (e != TargetError::none) return {e, 0};
    const std::string_view seg(out.data() + start, len - start);
    if (seg.empty() || seg == ".") {
      len = start;
    } else if (seg == "..") {
      if (start == 1) return {TargetError::escapes_root, 0};
      len = parent_end(out, start);
    } else if (more) {
      if (len >= out.size()) return {TargetError::too_long, 0};
      out[len++] = '/';
    }
    if (!more) return {TargetError::none, len};
    i = slash + 1;
  }
}

bool is_normalized(std::string_view p) noexcept {
  if (p.empty() || p.front() != '/') return false;
  for (const char c : p) {
    const auto b = static_cast<unsigned char>(c);
    if (b == '%' || check_byte(b) != TargetError::none) return false;
  }
  for (std::size_t i = 1; i < p.size();) {
    const std::size_t slash = p.find('/', i);
    if (slash == std::string_view::npos) {
      const std::string_view last = p.substr(i);
      return last != "." && last != "..";
    }
    const std::string_view seg = p.substr(i, slash - i);
    if (seg.empty() || seg == "." || seg == "..") return false;
    i = slash + 1;
  }
  return true;
}

std::string_view to_string(TargetError e) noexcept {
  switch (e) {
    case TargetError::none:
      return "none";
    case TargetError::not_absolute_path:
      return "not_absolute_path";
    case TargetError::bad_percent_encoding:
      return "bad_percent_encoding";
    case TargetError::encoded_nul:
      return "encoded_nul";
    case TargetError::encoded_slash:
      return "encoded_slash";
    case TargetError::backslash:
      return "backslash";
    case TargetError::control_char:
      return "control_char";
    case TargetError::escapes_root:
      return "escapes_root";
    case TargetError::too_long:
      return "too_long";
  }
  return "unknown";
}

}  // namespace h1::http
