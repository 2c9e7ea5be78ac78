#include "diff/fuzz_outcome.h"

#include <cctype>

#include "wire/response_reader.h"

namespace h1spec::fuzz {

namespace {

// The token of response i: "A" for an accepted request, "R<code>" for a rejection, "end".
std::string token(const Outcome& o, std::size_t i) {
  if (i >= o.statuses.size()) return "end";
  const int s = o.statuses[i];
  return is_rejection(s) ? std::string("R") + std::to_string(s) : "A";
}

// RFC 9110 §15.6.2: 501 "is the appropriate response when the server does not recognize the
// request method"; §15.5.6: 405 when it knows the method but the resource does not allow it.
bool method_refused(int status) { return status == 405 || status == 501; }

// Whether a line of the bytes starts with the Transfer-Encoding field name and a colon.
bool has_transfer_encoding_line(std::string_view bytes) {
  constexpr std::string_view kName = "transfer-encoding";
  for (std::size_t at = 0; at < bytes.size();) {
    std::size_t k = 0;
    while (k < kName.size() && at + k < bytes.size() &&
           std::tolower(static_cast<unsigned char>(bytes[at + k])) == kName[k]) {
      ++k;
    }
    if (k == kName.size()) {
      std::size_t c = at + k;
      while (c < bytes.size() && (bytes[c] == ' ' || bytes[c] == '\t')) ++c;
      if (c < bytes.size() && bytes[c] == ':') return true;
    }
    const std::size_t lf = bytes.find('\n', at);
    if (lf == std::string_view::npos) break;
    at = lf + 1;
  }
  return false;
}

// Whether the first request line's method is one RFC 9110 or RFC 5789 defines.
bool standard_method(std::string_view bytes) {
  const std::string_view method = bytes.substr(0, bytes.find(' '));
  for (const std::string_view m :
       {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (method == m) return true;
  }
  return false;
}

}  // namespace

bool is_rejection(int status) {
  switch (status) {
    case 400:  // bad syntax or framing
    case 411:  // a body without a length
    case 413:  // a body too large to read
    case 414:  // target too long
    case 417:  // an expectation it cannot meet
    case 431:  // fields too large
    case 501:  // unknown transfer coding or method
    case 505:  // version
      return true;
    default:
      return false;
  }
}

Outcome outcome_from(std::string_view stream, End end) {
  Outcome o;
  o.end = end;
  o.bytes = stream.size();
  const bool eof = end != End::timeout;
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::string_view rest = stream.substr(at);
    ReadResult r = read_response(rest, false, eof);
    if (r.status == ReadStatus::complete && r.consumed < rest.size() &&
        !rest.substr(r.consumed).starts_with("HTTP/") && !r.response.body.empty()) {
      // A body that does not end where a next response starts: maybe the answer to a HEAD.
      ReadResult head = read_response(rest, true, eof);
      if (head.status == ReadStatus::complete && rest.substr(head.consumed).starts_with("HTTP/")) {
        r = std::move(head);
      }
    } else if (r.status != ReadStatus::complete) {
      ReadResult head = read_response(rest, true, eof);
      if (head.status == ReadStatus::complete &&
          (head.consumed == rest.size() || rest.substr(head.consumed).starts_with("HTTP/"))) {
        r = std::move(head);
      }
    }
    if (r.status != ReadStatus::complete) {
      o.malformed = true;
      break;
    }
    if (!r.response.interim()) o.statuses.push_back(r.response.status);
    at += r.consumed;
  }
  return o;
}

std::string_view to_string(Kind kind) {
  switch (kind) {
    case Kind::same:
      return "same";
    case Kind::benign:
      return "benign";
    case Kind::danger:
      return "danger";
    case Kind::framing:
      return "framing";
    case Kind::strictness:
      return "strictness";
  }
  return "?";
}

std::string_view to_string(End end) {
  switch (end) {
    case End::closed:
      return "closed";
    case End::reset:
      return "reset";
    case End::timeout:
      return "timeout";
    case End::connect_failed:
      return "connect-failed";
  }
  return "?";
}

std::string Difference::signature() const {
  return std::string(to_string(kind)) + std::string(":") + target + std::string("/") + oracle;
}

Difference compare(const Outcome& target, const Outcome& oracle) {
  const std::size_t n = std::max(target.statuses.size(), oracle.statuses.size());
  for (std::size_t i = 0; i <= n; ++i) {
    Difference d;
    d.at = i;
    d.target = token(target, i);
    d.oracle = token(oracle, i);
    const bool t_ok = d.target == "A", o_ok = d.oracle == "A";
    if (t_ok && o_ok) continue;
    if (i < target.statuses.size() && i < oracle.statuses.size() &&
        method_refused(target.statuses[i]) && method_refused(oracle.statuses[i])) {
      // 405 and 501 both refuse a method the server does not serve here; whether the
      // connection stays open after that is each server's choice, so the walk stops.
      return Difference{};
    }
    // A side that ends before answering anything dropped the request: a silent rejection.
    // A side that ends after answering some saw fewer messages in the same bytes: framing.
    if (t_ok) {
      d.kind = d.oracle == "end" && i > 0 ? Kind::framing : Kind::danger;
    } else if (o_ok) {
      d.kind = d.target == "end" && i > 0 ? Kind::framing : Kind::strictness;
    } else {
      d.kind = d.target == d.oracle ? Kind::same : Kind::benign;
    }
    return d;
  }
  return Difference{};
}

Difference compare(const Outcome& target, const Outcome& oracle, std::string_view request) {
  Difference d = compare(target, oracle);
  // h1ref answers 501 to a method it does not implement (RFC 9110 §9.1 SHOULD) and to a
  // transfer coding it does not know. With an unknown method, or without a Transfer-Encoding
  // field line, a target that served the request differs on method semantics, not framing.
  if (d.kind == Kind::danger && d.oracle == "R501" &&
      (!has_transfer_encoding_line(request) || !standard_method(request))) {
    d.kind = Kind::benign;
  }
  return d;
}

std::string describe(const Outcome& o) {
  std::string s;
  for (const int status : o.statuses) s += std::to_string(status) + " ";
  if (o.statuses.empty()) s += "no response ";
  if (o.malformed) s += "+garbage ";
  s += "| ";
  s += to_string(o.end);
  return s;
}

}  // namespace h1spec::fuzz
