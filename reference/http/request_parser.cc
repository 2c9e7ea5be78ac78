#include "http/request_parser.h"

#include <bit>
#include <cstring>

#include "http/chars.h"
#include "http/fold.h"
#include "http/framing.h"
#include "http/scan.h"

namespace h1::http {

namespace {

// For the layers between RequestParser::parse and the fast paths, so that a whole head costs
// no calls beyond those of the fast paths themselves (about 5 % of a minimal GET).
#if defined(__GNUC__)
#define H1_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define H1_ALWAYS_INLINE inline
#endif

constexpr std::string_view kVersionPrefix = "HTTP/";
constexpr std::size_t kVersionLength = 8;  // "HTTP/" DIGIT "." DIGIT

enum class LineState : std::uint8_t { complete, need_more, too_long };
struct Line {
  LineState state = LineState::need_more;
  std::size_t lf = 0;  // offset of the LF that ends the line
};

// Looks for the LF ending the line that starts at `start`, whose content (CR excluded)
// may hold at most max_len bytes. `scan` remembers how far earlier calls searched.
Line find_line(std::span<const char> buf, std::size_t start, std::size_t& scan,
               std::size_t max_len) noexcept {
  const std::size_t limit = start + max_len + 2;  // LF must sit below this offset
  const std::size_t end = buf.size() < limit ? buf.size() : limit;
  if (scan < start) scan = start;
  if (scan < end) {
    const void* lf = std::memchr(buf.data() + scan, '\n', end - scan);
    if (lf != nullptr) {
      return {LineState::complete,
              static_cast<std::size_t>(static_cast<const char*>(lf) - buf.data())};
    }
    scan = end;
  }
  return {buf.size() >= limit ? LineState::too_long : LineState::need_more, 0};
}

std::string_view view(std::span<const char> buf, std::size_t from, std::size_t to) noexcept {
  return {buf.data() + from, to - from};
}

// Skips the empty lines a server SHOULD ignore before a request line (RFC 9112 §2.2).
ParseResult skip_empty_lines(std::span<const char> buf, std::size_t& pos, const Limits& limits) {
  while (pos < buf.size() && (buf[pos] == '\r' || buf[pos] == '\n')) {
    if (buf[pos] == '\n') return ParseResult::fail(ParseError::bare_lf);
    if (pos + 1 >= buf.size()) return ParseResult::more();
    if (buf[pos + 1] != '\n') return ParseResult::fail(ParseError::bare_cr);
    pos += 2;
    if (pos > limits.max_head) return ParseResult::fail(ParseError::head_too_large);
  }
  return pos < buf.size() ? ParseResult::done(pos) : ParseResult::more();
}

// Scans the method token starting at pos. Depends only on the first max_method + 1 bytes,
// so it reports the same error whether or not the rest of the line has arrived.
ParseResult scan_method(std::span<const char> buf, std::size_t pos, const Limits& limits) {
  // GET, the usual method, by one comparison: the target's scan need not wait for the method's.
  if (buf.size() - pos >= 4 && limits.max_method >= 3 &&
      std::memcmp(buf.data() + pos, "GET ", 4) == 0) {
    return ParseResult::done(pos + 3);
  }
  // The token may run to max_method + 1 bytes, so that an overlong one is seen as such.
  const std::size_t room = buf.size() - pos;
  const std::size_t bound = room > limits.max_method ? pos + limits.max_method + 1 : buf.size();
  const std::size_t i = scan::token(buf.data(), bound, pos);
  if (i - pos > limits.max_method) return ParseResult::fail(ParseError::method_too_long);
  if (i == buf.size()) return ParseResult::more();
  if (buf[i] != ' ' || i == pos) return ParseResult::fail(ParseError::bad_method);
  return ParseResult::done(i);  // offset of the SP after the method
}

// Length of the longest prefix of s made of request-target characters and complete
// pct-encoded triplets (RFC 3986 §2.1): one pass, stopping at the first byte that breaks it.
std::size_t target_prefix(std::string_view s) noexcept {
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p != end) {
    const TargetClass k = target_class(*p);
    if (k == TargetClass::plain) {
      ++p;
    } else if (k == TargetClass::percent && end - p >= 3 && is_hex_digit(p[1]) &&
               is_hex_digit(p[2])) {
      p += 3;
    } else {
      break;
    }
  }
  return static_cast<std::size_t>(p - s.data());
}

bool valid_target_chars(std::string_view s) noexcept { return target_prefix(s) == s.size(); }

// `prefix` holds no upper-case letter.
bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && equals_lower(s.substr(0, prefix.size()), prefix);
}

// Splits an absolute-form target "http://authority/path?query" (RFC 9112 §3.2.2).
bool split_absolute(std::string_view target, RequestLine& out) noexcept {
  // h1ref speaks cleartext only; an "https" target must be refused here (RFC 9110 §7.4).
  constexpr std::size_t scheme_len = 7;
  if (!starts_with_icase(target, "http://")) return false;
  const std::string_view rest = target.substr(scheme_len);
  const std::size_t slash = rest.find_first_of("/?");
  out.authority = rest.substr(0, slash);
  out.path_and_query = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  return !out.authority.empty() && valid_authority(out.authority);
}

// Classifies and validates the request-target (RFC 9112 §3.2).
// Its characters are already known to be valid.
bool classify_target(RequestLine& out) noexcept {
  const std::string_view t = out.target;
  if (t.front() == '/') {
    out.form = TargetForm::origin;
    out.path_and_query = t;
    return true;
  }
  if (t == "*") {
    out.form = TargetForm::asterisk;
    return out.method == "OPTIONS";
  }
  if (out.method == "CONNECT") {
    out.form = TargetForm::authority;
    out.authority = t;
    return t.find_first_of("/?") == std::string_view::npos && valid_authority(t) &&
           t.find(':') != std::string_view::npos;
  }
  out.form = TargetForm::absolute;
  return split_absolute(t, out);
}

ParseResult parse_version(std::string_view v, RequestLine& out) noexcept {
  if (v.size() != kVersionLength || v.substr(0, 5) != kVersionPrefix || !is_digit(v[5]) ||
      v[6] != '.' || !is_digit(v[7])) {
    return ParseResult::fail(ParseError::bad_version);
  }
  out.version_major = static_cast<std::uint8_t>(v[5] - '0');
  out.version_minor = static_cast<std::uint8_t>(v[7] - '0');
  if (out.version_major != 1) return ParseResult::fail(ParseError::unsupported_version);
  return ParseResult::done(kVersionLength);
}

// Validates a complete request line: content is the line without its CRLF.
ParseResult validate_request_line(std::string_view content, std::size_t method_len,
                                  RequestLine& out, const Limits& limits) noexcept {
  out = RequestLine{};
  out.method = content.substr(0, method_len);
  const std::string_view rest = content.substr(method_len + 1);
  const std::size_t sp = rest.find(' ');
  const std::size_t target_len = sp == std::string_view::npos ? rest.size() : sp;
  if (target_len > limits.max_target) return ParseResult::fail(ParseError::target_too_long);
  if (sp == std::string_view::npos || sp == 0) {
    return ParseResult::fail(ParseError::bad_request_line);
  }
  if (!valid_target_chars(rest.substr(0, sp))) return ParseResult::fail(ParseError::bad_target);
  out.target = rest.substr(0, sp);
  if (!classify_target(out)) return ParseResult::fail(ParseError::bad_target);
  const std::string_view version = rest.substr(sp + 1);
  const ParseResult v = parse_version(version, out);
  // A well-formed version holds no SP; a malformed one with an SP is a malformed line.
  if (v.failed() && version.find(' ') != std::string_view::npos) {
    return ParseResult::fail(ParseError::bad_request_line);
  }
  return v;
}

// The common request line, decided without the general path: method SP target SP
// "HTTP/1." DIGIT CRLF, the target made of literal characters and well-formed triplets and
// valid in its form, within every limit. Fills `out` as the general path would and returns
// the offset after the LF. Returns 0 for any other line (malformed, incomplete, HTTP/0.x or
// 2+, ...): the general path then starts over and gives its verdict, so both agree by
// construction. `limit` is the offset find_line would stop searching at; method_end is the
// offset of the SP after the method, which starts at pos.
std::size_t fast_request_line(std::span<const char> buf, std::size_t pos, std::size_t method_end,
                              std::size_t limit, RequestLine& out, const Limits& limits) noexcept {
  const char* const d = buf.data();
  const std::size_t end = buf.size() < limit ? buf.size() : limit;
  const std::size_t target_start = method_end + 1;
  if (target_start >= end) return 0;
  std::size_t i = scan::target(d, end, target_start);
  // A '%' must start a triplet; hex digits are never SP, so the triplet lies inside the target.
  while (end - i > 2 && d[i] == '%' && is_hex_digit(d[i + 1]) && is_hex_digit(d[i + 2])) {
    i = scan::target(d, end, i + 3);
  }
  if (i == target_start || i == end || d[i] != ' ') return 0;
  if (i - target_start > limits.max_target) return 0;
  // "HTTP/1." DIGIT CR LF: the LF, the line's first, at i + 10 below end.
  const std::size_t v = i + 1;
  if (end - v < kVersionLength + 2 || std::memcmp(d + v, "HTTP/1.", 7) != 0 ||
      !is_digit(d[v + 7]) || d[v + 8] != '\r' || d[v + 9] != '\n') {
    return 0;
  }
  out = RequestLine{};
  out.method = view(buf, pos, method_end);
  out.target = view(buf, target_start, i);
  if (!classify_target(out)) return 0;
  out.version_major = 1;
  out.version_minor = static_cast<std::uint8_t>(d[v + 7] - '0');
  return v + kVersionLength + 2;
}

// Decides the error for a request line with no LF within its limit.
ParseError overlong_request_line(std::span<const char> buf, std::size_t target_start,
                                 const Limits& limits) noexcept {
  // Saturating: a max_target near SIZE_MAX must not wrap around to a short end.
  const std::size_t room = buf.size() > target_start ? buf.size() - target_start : 0;
  const std::size_t span = limits.max_target < room ? limits.max_target + 1 : room;
  const std::string_view head = view(buf, target_start, target_start + span);
  if (head.find(' ') == std::string_view::npos) return ParseError::target_too_long;
  return ParseError::bad_request_line;
}

// Parses one complete field line (CRLF excluded) into `field`.
ParseError parse_field_line(std::string_view content, Field& field) noexcept {
  std::size_t i = 0;
  while (i < content.size() && is_tchar(content[i])) ++i;
  if (i == content.size()) return ParseError::missing_colon;
  if (content[i] != ':') {
    if (i > 0 && is_ows(content[i])) return ParseError::whitespace_before_colon;
    return ParseError::bad_field_name;
  }
  if (i == 0) return ParseError::bad_field_name;
  field.name = content.substr(0, i);
  field.value = trim_ows(content.substr(i + 1));
  for (char c : field.value) {
    if (!is_field_value_char(c)) return ParseError::bad_field_value;
  }
  return ParseError::none;
}

// Where field values stop (CTL but HTAB, and DEL: CR and LF among them) from `base` on, found
// 64 bytes at a time as the lines advance. Finding a line's end then costs a shift and a count
// of zeros, and the scan of each block does not wait for the lines before it.
class ValueStops {
 public:
  ValueStops(const char* data, std::size_t end, std::size_t base) noexcept
      : data_(data), end_(end), base_(base), bits_(scan::field_value_stops(data, end, base)) {}

  // The first stop at or after pos (base <= pos < end), or end when there is none.
  std::size_t next(std::size_t pos) noexcept {
    for (;;) {
      if (pos - base_ < 64) {
        const std::uint64_t m = bits_ >> (pos - base_);
        if (m != 0) return pos + static_cast<std::size_t>(std::countr_zero(m));
        pos = base_ + 64;
      }
      base_ += 64;
      if (base_ >= end_) return end_;
      bits_ = scan::field_value_stops(data_, end_, base_);
    }
  }

 private:
  const char* data_;
  std::size_t end_;
  std::size_t base_;
  std::uint64_t bits_;
};

// Parses well-formed field lines from c.pos on, each a token, ':', OWS, field-value bytes and
// CRLF with its LF within the line and head limits, storing them as the general path would.
// Stops before the first line it cannot take whole (malformed, incomplete, overlong, one field
// too many, the empty line split or over the head limit): the general path then decides that
// line, so both paths agree by construction. Returns the offset after the empty line when it
// reached one, else 0. A line ends at its first value stop, which must be CR LF: a name holds
// only tchars, so the line's first LF follows that CR, and the value between holds no stop.
std::size_t fast_field_lines(std::span<const char> buf, FieldCursor& c, std::span<Field> storage,
                             const Limits& limits) noexcept {
  const char* const d = buf.data();
  const std::size_t cap = buf.size() < limits.max_head ? buf.size() : limits.max_head;
  const std::size_t max_line = limits.max_field_line;
  const std::size_t max_count =
      storage.size() < limits.max_fields ? storage.size() : limits.max_fields;
  Field* const fields = storage.data();
  std::size_t pos = c.pos;
  std::size_t count = c.count;
  std::size_t head_end = 0;
  if (pos + 2 > cap) return 0;
  ValueStops stops(d, cap, pos);
  while (pos + 2 <= cap) {
    if (d[pos] == '\r') {
      if (d[pos + 1] == '\n') head_end = pos + 2;  // the empty line
      break;
    }
    if (count == max_count) break;
    // The LF must lie below min(cap, pos + max_line + 2), as find_line would look for it.
    const std::size_t avail = cap - pos;
    const std::size_t end = pos + (avail - 2 <= max_line ? avail : max_line + 2);
    const std::size_t stop = stops.next(pos);
    // The stop may lie past end, which bounds the line but not the stops.
    if (stop + 1 >= end || d[stop] != '\r' || d[stop + 1] != '\n') break;
    const std::size_t colon = scan::token(d, stop, pos);
    if (colon == pos || d[colon] != ':') break;  // d[stop] is CR
    std::size_t value = colon + 1;
    while (value < stop && is_ows(d[value])) ++value;
    std::size_t value_end = stop;
    while (value_end > value && is_ows(d[value_end - 1])) --value_end;
    fields[count].name = std::string_view(d + pos, colon - pos);
    fields[count].value = std::string_view(d + value, value_end - value);
    ++count;
    pos = stop + 2;
  }
  c.pos = pos;
  c.count = count;
  return head_end;
}

// Parses field lines from cursor.pos through the empty line; resumable after need_more.
// The head limit counts from the start of buf, so it covers the request line too.
H1_ALWAYS_INLINE ParseResult parse_field_run(std::span<const char> buf, FieldCursor& c,
                                             std::span<Field> storage, const Limits& limits,
                                             bool first) noexcept {
  for (;;) {
    // Lines seen for the first time take the fast path; a line resumed after need_more has
    // been searched for its LF up to c.scan already and stays on the general one, so that a
    // long line fed in pieces costs linear time.
    if (c.scan <= c.pos) {
      if (const std::size_t head_end = fast_field_lines(buf, c, storage, limits); head_end != 0) {
        return ParseResult::done(head_end);
      }
    }
    if (c.pos >= buf.size()) return ParseResult::more();
    if (is_ows(buf[c.pos])) {
      return ParseResult::fail(first && c.count == 0 ? ParseError::whitespace_before_first_field
                                                     : ParseError::obs_fold);
    }
    // Even the empty line needs its CRLF within the head limit.
    if (c.pos + 2 > limits.max_head) return ParseResult::fail(ParseError::head_too_large);
    const std::size_t head_room = limits.max_head - c.pos - 2;
    const bool head_binds = head_room < limits.max_field_line;
    const Line line = find_line(buf, c.pos, c.scan, head_binds ? head_room : limits.max_field_line);
    if (line.state == LineState::need_more) return ParseResult::more();
    if (line.state == LineState::too_long) {
      return ParseResult::fail(head_binds ? ParseError::head_too_large
                                          : ParseError::field_line_too_long);
    }
    if (line.lf == c.pos || buf[line.lf - 1] != '\r') return ParseResult::fail(ParseError::bare_lf);
    if (line.lf == c.pos + 1) return ParseResult::done(line.lf + 1);  // the empty line
    if (c.count >= storage.size() || c.count >= limits.max_fields) {
      return ParseResult::fail(ParseError::too_many_fields);
    }
    const ParseError e = parse_field_line(view(buf, c.pos, line.lf - 1), storage[c.count]);
    if (e != ParseError::none) return ParseResult::fail(e);
    ++c.count;
    c.pos = line.lf + 1;
  }
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

const Field* Request::find(std::string_view name) const noexcept {
  for (const Field& f : fields) {
    if (iequals(f.name, name)) return &f;
  }
  return nullptr;
}

namespace {

H1_ALWAYS_INLINE ParseResult request_line(std::span<const char> buf, RequestLine& out,
                                          const Limits& limits) noexcept {
  std::size_t pos = 0;
  if (const ParseResult r = skip_empty_lines(buf, pos, limits); !r.complete()) return r;
  const ParseResult method = scan_method(buf, pos, limits);
  if (!method.complete()) return method;
  const std::size_t method_len = method.consumed - pos;
  std::size_t scan = pos;
  const std::size_t max_line = limits.max_method + 1 + limits.max_target + 1 + kVersionLength;
  if (const std::size_t end =
          fast_request_line(buf, pos, method.consumed, pos + max_line + 2, out, limits);
      end != 0) {
    return ParseResult::done(end);
  }
  const Line line = find_line(buf, pos, scan, max_line);
  if (line.state == LineState::need_more) return ParseResult::more();
  if (line.state == LineState::too_long) {
    return ParseResult::fail(overlong_request_line(buf, method.consumed + 1, limits));
  }
  if (buf[line.lf - 1] != '\r') return ParseResult::fail(ParseError::bare_lf);
  const ParseResult r = validate_request_line(view(buf, pos, line.lf - 1), method_len, out, limits);
  return r.failed() ? r : ParseResult::done(line.lf + 1);
}

}  // namespace

ParseResult parse_request_line(std::span<const char> buf, RequestLine& out, const Limits& limits) {
  return request_line(buf, out, limits);
}

ParseResult parse_fields(std::span<const char> buf, std::span<Field> storage, std::size_t& count,
                         const Limits& limits, bool first) {
  FieldCursor cursor;
  const ParseResult r = parse_field_run(buf, cursor, storage, limits, first);
  count = cursor.count;
  return r;
}

RequestParser::RequestParser(const Limits& limits, std::span<Field> storage) noexcept
    : limits_(&limits), storage_(storage) {}

void RequestParser::reset() noexcept {
  // Member by member: assigning a whole Request{} compiles to rep stos, whose start-up costs
  // about as much as parsing a small head.
  request_.line = RequestLine{};
  request_.fields = {};
  request_.framing = BodyFraming::none;
  request_.content_length = 0;
  request_.has_host = false;
  request_.host = {};
  request_.connection_close = false;
  request_.connection_keep_alive = false;
  stage_ = Stage::request_line;
  last_ = ParseResult{};
  cursor_ = FieldCursor{};
  line_done_ = false;
}

H1_ALWAYS_INLINE ParseResult RequestParser::parse_line(std::span<const char> buf) noexcept {
  // A request line is short next to max_head; re-scanning it costs little and keeps
  // one implementation of its grammar.
  const ParseResult r = request_line(buf, request_.line, *limits_);
  if (r.complete()) {
    cursor_ = FieldCursor{r.consumed, r.consumed, 0};
    line_done_ = true;
  }
  return r;
}

H1_ALWAYS_INLINE ParseResult RequestParser::parse_field_lines(std::span<const char> buf) noexcept {
  const ParseResult r = parse_field_run(buf, cursor_, storage_, *limits_, true);
  return r.complete() ? finish(r.consumed) : r;
}

H1_ALWAYS_INLINE ParseResult RequestParser::finish(std::size_t consumed) noexcept {
  request_.fields = storage_.first(cursor_.count);
  const ParseError e = analyse_head(request_);
  return e == ParseError::none ? ParseResult::done(consumed) : ParseResult::fail(e);
}

ParseResult RequestParser::parse(std::span<const char> buf) noexcept {
  if (stage_ == Stage::done || stage_ == Stage::failed) return last_;
  ParseResult r;
  if (stage_ == Stage::request_line) {
    r = parse_line(buf);
    if (r.complete()) stage_ = Stage::fields;
  }
  if (stage_ == Stage::fields) {
    r = parse_field_lines(buf);
    if (r.complete()) stage_ = Stage::done;
  }
  if (r.failed()) stage_ = Stage::failed;
  last_ = r;
  return r;
}

std::string_view to_string(ParseError e) noexcept {
  static constexpr std::string_view kNames[kParseErrorCount] = {
      "none",
      "bare_cr",
      "bare_lf",
      "bad_method",
      "method_too_long",
      "bad_target",
      "target_too_long",
      "bad_version",
      "unsupported_version",
      "bad_request_line",
      "bad_field_name",
      "whitespace_before_colon",
      "missing_colon",
      "obs_fold",
      "whitespace_before_first_field",
      "bad_field_value",
      "field_line_too_long",
      "too_many_fields",
      "head_too_large",
      "bad_content_length",
      "conflicting_content_length",
      "bad_transfer_encoding",
      "unknown_transfer_coding",
      "content_length_with_transfer_encoding",
      "transfer_encoding_in_http10",
      "missing_host",
      "duplicate_host",
      "bad_host",
      "bad_chunk_size",
      "chunk_size_overflow",
      "bad_chunk_extension",
      "bad_chunk_data_end",
      "bad_trailer",
      "trailer_too_large",
  };
  const auto i = static_cast<std::size_t>(e);
  return i < static_cast<std::size_t>(kParseErrorCount) ? kNames[i] : "unknown";
}

}  // namespace h1::http
