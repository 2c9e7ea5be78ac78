#include "response_checker.h"

#include <algorithm>
#include <string>

#include "fuzz_check.h"
#include "fuzz_docroot.h"
#include "http/chars.h"
#include "http/request_parser.h"

namespace h1::fuzz {

void Log::record(const core::AccessRecord& r) noexcept {
  const Record::Method m = r.method == "HEAD" ? Record::Method::head
                           : r.method == "-"  ? Record::Method::unknown
                                              : Record::Method::other;
  records.push_back({m, r.status});
}

namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1*DIGIT without a leading zero (unless "0"), within 64 bits.
bool parse_number(std::string_view s, std::uint64_t& v) {
  if (!is_digits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 19) return false;
  v = 0;
  for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return true;
}

bool is_clean_value(std::string_view v) {
  if (!v.empty() && (v.front() == ' ' || v.front() == '\t')) return false;
  if (!v.empty() && (v.back() == ' ' || v.back() == '\t')) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return h1::http::is_field_value_char(c); });
}

bool is_imf_fixdate(std::string_view d) {
  return d.size() == 29 && d[3] == ',' && d[4] == ' ' && d[7] == ' ' && d[11] == ' ' &&
         d[16] == ' ' && d[19] == ':' && d[22] == ':' && d.substr(25) == " GMT";
}

struct Head {
  int status = 0;
  std::string_view reason;
  int content_lengths = 0, dates = 0, servers = 0, connections = 0, encodings = 0;
  std::uint64_t content_length = 0;
  std::string_view connection, content_range, location, allow, last_modified;
};

// Parses the head text (status line and field lines, each with its CRLF).
Head parse_head(std::string_view text) {
  Head h;
  std::size_t eol = text.find("\r\n");
  const std::string_view line = text.substr(0, eol);
  FUZZ_CHECK(line.size() >= 13 && line.substr(0, 9) == "HTTP/1.1 " && line[12] == ' ');
  FUZZ_CHECK(is_digits(line.substr(9, 3)) && line[9] >= '1' && line[9] <= '5');
  h.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  h.reason = line.substr(13);
  FUZZ_CHECK(!h.reason.empty() && is_clean_value(h.reason));
  for (std::size_t pos = eol + 2; pos < text.size(); pos = eol + 2) {
    eol = text.find("\r\n", pos);
    const std::string_view field = text.substr(pos, eol - pos);
    const std::size_t colon = field.find(':');
    FUZZ_CHECK(colon != std::string_view::npos && colon > 0);
    const std::string_view name = field.substr(0, colon);
    for (char c : name) FUZZ_CHECK(h1::http::is_tchar(c));
    FUZZ_CHECK(field.substr(colon, 2) == ": ");
    const std::string_view value = field.substr(colon + 2);
    FUZZ_CHECK(!value.empty() && is_clean_value(value));
    auto is = [&](std::string_view n) { return h1::http::iequals(name, n); };
    if (is("Content-Length")) {
      ++h.content_lengths;
      FUZZ_CHECK(parse_number(value, h.content_length));
    } else if (is("Date")) {
      ++h.dates;
      FUZZ_CHECK(is_imf_fixdate(value));
    } else if (is("Server")) {
      ++h.servers;
    } else if (is("Connection")) {
      ++h.connections;
      h.connection = value;
    } else if (is("Transfer-Encoding")) {
      ++h.encodings;
    } else if (is("Content-Range")) {
      h.content_range = value;
    } else if (is("Location")) {
      h.location = value;
    } else if (is("Allow")) {
      h.allow = value;
    } else if (is("Last-Modified")) {
      h.last_modified = value;
    }
  }
  return h;
}

// "bytes first-last/complete" (206), into its three numbers.
bool parse_content_range(std::string_view v, std::uint64_t& first, std::uint64_t& last,
                         std::uint64_t& complete) {
  if (v.substr(0, 6) != "bytes ") return false;
  v.remove_prefix(6);
  const std::size_t dash = v.find('-');
  const std::size_t slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return false;
  }
  return parse_number(v.substr(0, dash), first) &&
         parse_number(v.substr(dash + 1, slash - dash - 1), last) &&
         parse_number(v.substr(slash + 1), complete);
}

class OutputChecker {
 public:
  OutputChecker(std::string_view out, const std::vector<Record>& records, bool cut)
      : out_(out), records_(records), cut_(cut) {}

  void run() {
    std::size_t n = 0;
    while (pos_ < out_.size()) {
      FUZZ_CHECK(n < records_.size());  // every response was queued and logged
      response(records_[n++]);
    }
    if (!cut_) FUZZ_CHECK(n == records_.size());  // and every one queued was delivered
  }

 private:
  void response(const Record& rec) {
    const std::size_t head_end = out_.find("\r\n\r\n", pos_);
    if (head_end == std::string_view::npos) {
      FUZZ_CHECK(cut_);  // a head ends only where the connection was cut
      FUZZ_CHECK(out_.substr(pos_, 9) ==
                 std::string_view("HTTP/1.1 ").substr(0, out_.size() - pos_));
      pos_ = out_.size();
      return;
    }
    const Head h = parse_head(out_.substr(pos_, head_end + 2 - pos_));
    pos_ = head_end + 4;
    FUZZ_CHECK(h.status == rec.status);
    check_fields(h);
    const bool bodiless_status = h.status < 200 || h.status == 204 || h.status == 304;
    std::uint64_t body = h.content_length;
    if (bodiless_status || rec.method == Record::Method::head) body = 0;
    // An error answered before the method was known: a HEAD gets no body, and the
    // connection closes right after, so the output ends with the head.
    if (rec.method == Record::Method::unknown && pos_ == out_.size()) body = 0;
    const std::size_t available = out_.size() - pos_;
    const bool whole = body <= available;
    if (!whole) FUZZ_CHECK(cut_);
    const std::string_view bytes = out_.substr(pos_, whole ? body : available);
    check_body(h, rec, bytes);
    pos_ += bytes.size();
    if (h.connection == "close" || rec.method == Record::Method::unknown) {
      FUZZ_CHECK(pos_ == out_.size());  // nothing after the server said it closes
    }
  }

  static void check_fields(const Head& h) {
    FUZZ_CHECK(h.dates == 1 && h.servers == 1 && h.encodings == 0 && h.connections <= 1);
    if (h.connections == 1) FUZZ_CHECK(h.connection == "close" || h.connection == "keep-alive");
    if (h.status < 200 || h.status == 204) FUZZ_CHECK(h.content_lengths == 0);
    if (h.status == 304) FUZZ_CHECK(h.content_lengths <= 1);
    if (h.status >= 200 && h.status != 204 && h.status != 304) {
      FUZZ_CHECK(h.content_lengths == 1);
    }
    if (h.status == 206) {
      std::uint64_t first = 0, last = 0, complete = 0;
      FUZZ_CHECK(parse_content_range(h.content_range, first, last, complete));
      FUZZ_CHECK(first <= last && last < complete && h.content_length == last - first + 1);
    }
    if (h.status == 416) {
      std::uint64_t complete = 0;
      FUZZ_CHECK(h.content_range.substr(0, 8) == "bytes */");
      FUZZ_CHECK(parse_number(h.content_range.substr(8), complete));
    }
    if (h.status == 301) FUZZ_CHECK(!h.location.empty() && h.location.front() == '/');
    if (h.status == 405) FUZZ_CHECK(!h.allow.empty());  // RFC 9110 §15.5.6
    if (h.status == 200 || h.status == 206) FUZZ_CHECK(!h.last_modified.empty());
  }

  // bytes may be a prefix of the body when the connection was cut.
  static void check_body(const Head& h, const Record& rec, std::string_view bytes) {
    if (!h.last_modified.empty() && (h.status == 200 || h.status == 206)) {
      std::size_t doc = kDocs.size();
      for (std::size_t d = 0; d < kDocs.size(); ++d) {
        if (kDocs[d].last_modified == h.last_modified) doc = d;
      }
      FUZZ_CHECK(doc < kDocs.size());
      std::uint64_t first = 0, last = 0, complete = h.content_length;
      if (h.status == 206) FUZZ_CHECK(parse_content_range(h.content_range, first, last, complete));
      // Never a byte beyond the document: the size when opened is at most the original size.
      FUZZ_CHECK(complete <= kDocs[doc].size && first + h.content_length <= complete);
      const std::string& content = doc_content(doc);
      FUZZ_CHECK(bytes == std::string_view(content).substr(first, bytes.size()));
      return;
    }
    if (bytes.empty()) return;
    FUZZ_CHECK(rec.method != Record::Method::head);
    // A generated body: "<status> <reason>\n".
    std::string expected = std::to_string(h.status);
    expected += ' ';
    expected += h.reason;
    expected += '\n';
    FUZZ_CHECK(std::string_view(expected).substr(0, bytes.size()) == bytes);
  }

  std::string_view out_;
  const std::vector<Record>& records_;
  bool cut_;
  std::size_t pos_ = 0;
};

}  // namespace

void check_output(std::string_view out, const std::vector<Record>& records, bool cut) {
  OutputChecker(out, records, cut).run();
}

}  // namespace h1::fuzz
