#include "http/framing.h"

#include <cstdint>

#include "http/chars.h"
#include "http/fold.h"
#include "http/scan.h"

namespace h1::http {

namespace {

// Calls fn(element) for each non-empty element of a comma-separated list (RFC 9110 §5.6.1).
template <typename Fn>
void for_each_element(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) fn(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

bool all_tchar(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return !s.empty();
}

struct CodingSummary {
  int total = 0;
  int chunked = 0;
  bool last_is_chunked = false;
  bool malformed = false;
};

void summarise_codings(std::string_view value, CodingSummary& s) {
  for_each_element(value, [&](std::string_view coding) {
    ++s.total;
    const bool chunked = equals_lower(coding, "chunked");
    if (!chunked && !all_tchar(coding.substr(0, coding.find(';')))) s.malformed = true;
    s.chunked += chunked ? 1 : 0;
    s.last_is_chunked = chunked;
  });
}

ParseError check_transfer_encoding(const CodingSummary& s) noexcept {
  if (s.malformed || s.total == 0 || s.chunked != 1 || !s.last_is_chunked) {
    return ParseError::bad_transfer_encoding;
  }
  if (s.total > 1) return ParseError::unknown_transfer_coding;
  return ParseError::none;
}

// port = *DIGIT (RFC 3986 §3.2.3), and a TCP port fits in 16 bits.
bool valid_port(std::string_view p) noexcept {
  std::uint32_t v = 0;
  for (char c : p) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
    if (v > 65535) return false;
  }
  return true;
}

bool valid_ip_literal(std::string_view s) noexcept {
  if (s.size() < 2) return false;
  for (char c : s) {
    if (!is_hex_digit(c) && c != ':' && c != '.' && c != 'v' && c != 'V' &&
        !is_unreserved_or_sub_delim(c)) {
      return false;
    }
  }
  return true;
}

// Length of the longest prefix of s that is a reg-name: unreserved, sub-delims and
// pct-encoded triplets (RFC 3986 §3.2.2). A triplet's digits are never ':', so the prefix stops
// at the first ':' or earlier.
std::size_t reg_name_prefix(std::string_view s) noexcept {
  const char* const d = s.data();
  const std::size_t end = s.size();
  std::size_t i = scan::reg_name(d, end, 0);
  while (end - i >= 3 && d[i] == '%' && is_hex_digit(d[i + 1]) && is_hex_digit(d[i + 2])) {
    i = scan::reg_name(d, end, i + 3);
  }
  return i;
}

}  // namespace

bool valid_authority(std::string_view a) noexcept {
  if (a.empty()) return false;
  if (a.front() == '[') {
    const std::size_t close = a.find(']');
    if (close == std::string_view::npos || !valid_ip_literal(a.substr(1, close - 1))) return false;
    const std::string_view rest = a.substr(close + 1);
    return rest.empty() || (rest.front() == ':' && valid_port(rest.substr(1)));
  }
  // uri-host: a non-empty reg-name, ending at the end or at the ':' before the port.
  const std::size_t host = reg_name_prefix(a);
  if (host == 0) return false;
  if (host == a.size()) return true;
  return a[host] == ':' && valid_port(a.substr(host + 1));
}

ParseError analyse_head(Request& r) noexcept {
  bool has_cl = false;
  bool has_te = false;
  int hosts = 0;
  CodingSummary codings;
  for (const Field& f : r.fields) {
    // The four names differ in length: one comparison at most per field.
    switch (f.name.size()) {
      case 14:  // content-length
        if (equals_lower(f.name, "content-length")) {
          std::uint64_t n = 0;
          if (!parse_decimal(f.value, n)) return ParseError::bad_content_length;
          if (has_cl && n != r.content_length) return ParseError::conflicting_content_length;
          has_cl = true;
          r.content_length = n;
        }
        break;
      case 17:  // transfer-encoding
        if (equals_lower(f.name, "transfer-encoding")) {
          has_te = true;
          summarise_codings(f.value, codings);
        }
        break;
      case 4:  // host
        if (equals_lower(f.name, "host")) {
          ++hosts;
          r.host = f.value;
        }
        break;
      case 10:  // connection
        if (equals_lower(f.name, "connection")) {
          for_each_element(f.value, [&](std::string_view option) {
            if (equals_lower(option, "close")) r.connection_close = true;
            if (equals_lower(option, "keep-alive")) r.connection_keep_alive = true;
          });
        }
        break;
      default:
        break;
    }
  }
  if (has_te) {
    if (r.line.version_minor == 0) return ParseError::transfer_encoding_in_http10;
    if (has_cl) return ParseError::content_length_with_transfer_encoding;
    if (const ParseError e = check_transfer_encoding(codings); e != ParseError::none) return e;
    r.framing = BodyFraming::chunked;
  } else if (has_cl) {
    r.framing = BodyFraming::content_length;
  }
  if (hosts > 1) return ParseError::duplicate_host;
  r.has_host = hosts == 1;
  if (!r.has_host && r.line.version_minor >= 1) return ParseError::missing_host;
  // An empty host is invalid for the http scheme (RFC 9110 §4.2.1).
  if (r.has_host && !valid_authority(r.host)) return ParseError::bad_host;
  return ParseError::none;
}

}  // namespace h1::http
