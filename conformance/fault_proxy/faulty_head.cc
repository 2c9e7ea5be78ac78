#include "faulty_head.h"

namespace h1spec::faulty {

namespace {

// What the framing fields of a head say, gathered in one pass.
struct FieldFacts {
  bool transfer_encoding = false;
  bool chunked_last = false;  ///< the last coding of the last Transfer-Encoding is chunked
  int length_fields = 0;
  bool length_bad = false;  ///< unparsable, or Content-Length fields that disagree
  std::uint64_t length = 0;
};

// ASCII lower case; other bytes are returned unchanged.
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// `s` without leading and trailing spaces and tabs (OWS).
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses 1 to 18 decimal digits; anything else is refused so the relay never overflows.
bool parse_length(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return true;
}

// The last element of a comma-separated list, trimmed.
std::string_view last_token(std::string_view value) {
  const std::size_t comma = value.rfind(',');
  return trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
}

// The framing facts of a head's field lines (the first line is skipped).
FieldFacts scan_fields(std::string_view head) {
  FieldFacts f;
  const std::vector<std::string_view> lines = split_lines(head);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view content = line_content(lines[i]);
    const std::string_view name = field_name(content);
    if (iequals(name, "Transfer-Encoding")) {
      f.transfer_encoding = true;
      f.chunked_last = iequals(last_token(field_value(content)), "chunked");
    } else if (iequals(name, "Content-Length")) {
      std::uint64_t v = 0;
      if (!parse_length(field_value(content), v) || (f.length_fields > 0 && v != f.length)) {
        f.length_bad = true;
      }
      f.length = v;
      ++f.length_fields;
    }
  }
  return f;
}

// The framing that a head's Content-Length fields give, when they are all there is.
BodyFraming from_length(const FieldFacts& f) {
  if (f.length_bad) return {BodyFraming::Kind::unknown, 0};
  if (f.length == 0) return {BodyFraming::Kind::none, 0};
  return {BodyFraming::Kind::length, f.length};
}

}  // namespace

std::size_t find_head_end(std::string_view buf, std::size_t from) {
  for (std::size_t i = buf.find('\n', from); i != std::string_view::npos;
       i = buf.find('\n', i + 1)) {
    if (i + 1 < buf.size() && buf[i + 1] == '\n') return i + 2;
    if (i + 2 < buf.size() && buf[i + 1] == '\r' && buf[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

std::vector<std::string_view> split_lines(std::string_view head) {
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    const std::size_t lf = head.find('\n');
    const std::size_t n = lf == std::string_view::npos ? head.size() : lf + 1;
    lines.push_back(head.substr(0, n));
    head.remove_prefix(n);
  }
  return lines;
}

std::string_view line_content(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view field_name(std::string_view content) {
  const std::size_t colon = content.find(':');
  return colon == std::string_view::npos ? std::string_view{} : content.substr(0, colon);
}

std::string_view field_value(std::string_view content) {
  const std::size_t colon = content.find(':');
  return colon == std::string_view::npos ? std::string_view{} : trim(content.substr(colon + 1));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool has_token(std::string_view value, std::string_view token) {
  while (true) {
    const std::size_t comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    value.remove_prefix(comma + 1);
  }
}

RequestLine request_line(std::string_view head) {
  const std::string_view first = line_content(head.substr(0, head.find('\n')));
  const std::size_t sp1 = first.find(' ');
  if (sp1 == std::string_view::npos) return {first, {}};
  const std::string_view rest = first.substr(sp1 + 1);
  return {first.substr(0, sp1), rest.substr(0, rest.find(' '))};
}

int response_status(std::string_view head) {
  if (head.substr(0, 5) != "HTTP/") return -1;
  const std::size_t sp = head.find(' ');
  if (sp == std::string_view::npos || head.size() < sp + 4) return -1;
  int status = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return -1;
    status = status * 10 + (head[i] - '0');
  }
  return status;
}

BodyFraming request_framing(std::string_view head) {
  const FieldFacts f = scan_fields(head);
  if (f.transfer_encoding) {
    // Both framings at once, or a final coding other than chunked: a strict server refuses
    // it, and the relay stops guessing where the next request starts.
    if (f.length_fields > 0 || !f.chunked_last) return {BodyFraming::Kind::unknown, 0};
    return {BodyFraming::Kind::chunked, 0};
  }
  if (f.length_fields == 0) return {BodyFraming::Kind::none, 0};
  return from_length(f);
}

BodyFraming response_framing(std::string_view head, bool answers_head) {
  const int status = response_status(head);
  if (status < 0) return {BodyFraming::Kind::unknown, 0};
  if (answers_head || status < 200 || status == 204 || status == 304) {
    return {BodyFraming::Kind::none, 0};
  }
  const FieldFacts f = scan_fields(head);
  // The upstream is h1ref, which never chunks; anything else is relayed without framing.
  if (f.transfer_encoding || f.length_fields == 0) return {BodyFraming::Kind::unknown, 0};
  return from_length(f);
}

}  // namespace h1spec::faulty
