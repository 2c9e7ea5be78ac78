#include "http/etag.h"

#include <array>
#include <charconv>
#include <cstring>

namespace h1::http {

namespace {

struct EntityTag {
  bool weak = false;
  std::string_view opaque;  // with its quotes
};

constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

// etagc = %x21 / %x23-7E / obs-text: anything visible but DQUOTE.
constexpr bool is_etagc(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b == 0x21 || (b >= 0x23 && b != 0x7f);
}

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Reads [W/] DQUOTE *etagc DQUOTE at s[pos...]; advances pos past it on success. A ',' is a
// legal etagc, so the list cannot be split on commas before the tags are read.
bool read_tag(std::string_view s, std::size_t& pos, EntityTag& tag) noexcept {
  std::size_t i = pos;
  tag.weak = s.substr(i, 2) == "W/";
  if (tag.weak) i += 2;
  if (i >= s.size() || s[i] != '"') return false;
  std::size_t end = i + 1;
  while (end < s.size() && is_etagc(s[end])) ++end;
  if (end >= s.size() || s[end] != '"') return false;
  tag.opaque = s.substr(i, end + 1 - i);
  pos = end + 1;
  return true;
}

bool tags_match(const EntityTag& a, const EntityTag& b, bool strong) noexcept {
  if (strong && (a.weak || b.weak)) return false;
  return a.opaque == b.opaque;
}

// Walks the whole list even after a match, so that a malformed member anywhere is noticed.
bool list_matches(std::string_view field_value, std::string_view etag, bool strong) noexcept {
  const std::string_view v = trim_ows(field_value);
  if (v == "*") return true;
  EntityTag current;
  std::size_t epos = 0;
  if (!read_tag(etag, epos, current) || epos != etag.size()) return false;
  bool matched = false;
  std::size_t pos = 0;
  for (;;) {
    while (pos < v.size() && (is_ows(v[pos]) || v[pos] == ',')) ++pos;  // empty elements
    if (pos == v.size()) return matched;
    EntityTag tag;
    if (!read_tag(v, pos, tag)) return false;
    matched = matched || tags_match(tag, current, strong);
    while (pos < v.size() && is_ows(v[pos])) ++pos;
    if (pos == v.size()) return matched;
    if (v[pos] != ',') return false;
  }
}

}  // namespace

std::size_t format_etag(std::uint64_t size, std::int64_t mtime_ns, std::span<char> out) noexcept {
  std::array<char, kMaxEtagLength> buf{};
  char* const end = buf.data() + buf.size();
  buf[0] = '"';
  auto r = std::to_chars(buf.data() + 1, end, size, 16);
  *r.ptr++ = '-';
  // Pre-1970 times keep their two's-complement bits: the tag is opaque, only uniqueness counts.
  r = std::to_chars(r.ptr, end, static_cast<std::uint64_t>(mtime_ns), 16);
  *r.ptr++ = '"';
  const auto length = static_cast<std::size_t>(r.ptr - buf.data());
  if (out.size() < length) return 0;
  std::memcpy(out.data(), buf.data(), length);
  return length;
}

bool if_none_match_matches(std::string_view field_value, std::string_view etag) noexcept {
  return list_matches(field_value, etag, false);
}

bool if_match_matches(std::string_view field_value, std::string_view etag) noexcept {
  return list_matches(field_value, etag, true);
}

}  // namespace h1::http
