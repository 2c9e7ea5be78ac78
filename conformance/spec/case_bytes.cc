// The byte rules of ```http blocks (conformance/README.md, "Byte rules").
#include <algorithm>
#include <charconv>

#include "spec/case_file.h"

namespace h1spec {

namespace {

constexpr std::size_t kMaxRepeatBytes = 10'000'000;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Expands {{repeat N "text"}} starting at s[0] == '{'; advances i past the template.
bool expand_template(std::string_view s, std::size_t& i, std::string& out, std::string& error) {
  const std::string_view rest = s.substr(i);
  if (starts_with(rest, "{{host}}")) {
    out += "{{host}}";
    i += 8;
    return true;
  }
  if (!starts_with(rest, "{{repeat ")) {
    out += '{';
    ++i;
    return true;
  }
  std::size_t p = 9;
  std::uint64_t n = 0;
  const auto [ptr, ec] = std::from_chars(rest.data() + p, rest.data() + rest.size(), n);
  if (ec != std::errc{} || ptr == rest.data() + p) {
    error = "{{repeat}} needs a count";
    return false;
  }
  p = static_cast<std::size_t>(ptr - rest.data());
  if (p + 1 >= rest.size() || rest[p] != ' ' || rest[p + 1] != '"') {
    error = "{{repeat N \"text\"}}: expected a quoted text after the count";
    return false;
  }
  std::size_t q = p + 2;
  while (q < rest.size() && rest[q] != '"') q += rest[q] == '\\' ? 2 : 1;
  if (q >= rest.size() || !starts_with(rest.substr(q), "\"}}")) {
    error = "{{repeat N \"text\"}}: unterminated";
    return false;
  }
  std::string unit;
  if (!decode_escapes(rest.substr(p + 2, q - p - 2), unit, error)) return false;
  // Divide rather than multiply: a huge count must not wrap around the limit.
  if (n > kMaxRepeatBytes / std::max<std::size_t>(unit.size(), 1)) {
    error = "{{repeat}} writes more than 10000000 bytes";
    return false;
  }
  for (std::uint64_t k = 0; k < n; ++k) out += unit;
  i += q + 3;
  return true;
}

// A line ends in a join backslash when it ends in an odd run of backslashes.
bool ends_in_join(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

}  // namespace

bool decode_escapes(std::string_view s, std::string& out, std::string& error) {
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '{') {
      if (!expand_template(s, i, out, error)) return false;
      continue;
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 >= s.size()) {
      error = "a backslash ends the text";
      return false;
    }
    const char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case 'x': {
        const int hi = i < s.size() ? hex_digit(s[i]) : -1;
        const int lo = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
          error = "\\x needs two hex digits";
          return false;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        error = std::string("unknown escape \\") + e;
        return false;
    }
  }
  return true;
}

bool decode_bytes(const std::vector<std::string>& lines, std::string& out, std::string& error,
                  std::size_t* bad_line) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const bool join = ends_in_join(line);
    const std::string_view content =
        join ? std::string_view(line).substr(0, line.size() - 1) : std::string_view(line);
    if (!decode_escapes(content, out, error)) {
      if (bad_line != nullptr) *bad_line = i;
      return false;
    }
    if (!join) out += "\r\n";
  }
  return true;
}

std::string expand_host(std::string_view bytes, std::string_view host) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    if (bytes.substr(i, 8) == "{{host}}") {
      out += host;
      i += 8;
    } else {
      out += bytes[i++];
    }
  }
  return out;
}

}  // namespace h1spec
