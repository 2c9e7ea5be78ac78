#include "grade/smuggling_oracle.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "grade/quoted.h"
#include "wire/request_reader.h"

namespace h1spec {

namespace {

// RFC 9110 §9.2.2: PUT, DELETE and the safe methods.
bool idempotent(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kMethods = {"GET",   "HEAD", "OPTIONS",
                                                               "TRACE", "PUT",  "DELETE"};
  return std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end();
}

bool same_request(const Request& a, const Request& b) {
  return a.method == b.method && a.body == b.body && target_path(a.target) == target_path(b.target);
}

// The second pass: r, as it reached the origin, is `sent` rewritten by the proxy.
bool rewritten_from(const Request& r, const Request& sent) {
  const bool method = r.method == sent.method || (sent.method == "HEAD" && r.method == "GET");
  return method && sent.body.compare(0, r.body.size(), r.body) == 0 &&
         r.body.size() <= sent.body.size() && loose_target(r.target) == loose_target(sent.target);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (s[i] == '%' && lo >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// RFC 3986 §5.2.4 over a path of "/"-separated segments, repeated slashes folded.
std::string without_dot_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t at = 0;
  while (at <= path.size()) {
    const std::size_t slash = std::min(path.find('/', at), path.size());
    const std::string_view seg = path.substr(at, slash - at);
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
    at = slash + 1;
  }
  std::string out;
  for (const std::string_view seg : kept) out.append("/").append(seg);
  const bool trailing = !path.empty() && (path.back() == '/' || path.ends_with("/.") ||
                                          path.ends_with("/..") || path == "." || path == "..");
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string describe(const Request& r) {
  std::string out = r.method + " " + r.target;
  if (!r.body.empty()) out += " with a " + std::to_string(r.body.size()) + "-byte body";
  return out;
}

std::string count(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

constexpr std::string_view kTeAndCl = "both Transfer-Encoding and Content-Length";

bool is_content_length_line(std::string_view line) {
  constexpr std::string_view kName = "content-length";
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view name = line.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name.size() == kName.size() &&
         std::equal(name.begin(), name.end(), kName.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// The head of the request at the start of bytes without its Content-Length lines, followed by
// everything after the head; empty if the head does not end.
std::string without_content_length(std::string_view bytes) {
  const std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return {};
  std::string out;
  std::string_view head = bytes.substr(0, head_end + 2);
  while (!head.empty()) {
    const std::size_t eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol + 2);
    if (!is_content_length_line(line)) out += line;
    head.remove_prefix(line.size());
  }
  out += bytes.substr(head_end + 2);
  return out;
}

}  // namespace

ClientRequests client_requests(std::string_view bytes) {
  ClientRequests out;
  std::size_t offset = 0;
  for (;;) {
    const std::string_view rest = bytes.substr(offset);
    RequestReadResult r = read_request(rest, true);
    if (r.status == ReadStatus::need_more) return out;  // the bytes ended between requests
    if (r.status == ReadStatus::malformed && r.error == kTeAndCl) {
      r = read_request(without_content_length(rest), true);
      out.ended_by_te_and_cl = r.status == ReadStatus::complete;
      if (out.ended_by_te_and_cl) out.requests.push_back(std::move(r.request));
      out.fully_parsed = out.ended_by_te_and_cl;
      return out;
    }
    if (r.status == ReadStatus::malformed) {
      out.fully_parsed = false;
      return out;
    }
    r.request.begin += offset;
    r.request.end += offset;
    offset += r.consumed;
    out.requests.push_back(std::move(r.request));
  }
}

std::string_view to_string(SmugglingVerdict v) {
  switch (v) {
    case SmugglingVerdict::none:
      return "none";
    case SmugglingVerdict::smuggled:
      return "SMUGGLED";
    case SmugglingVerdict::desync:
      return "DESYNC";
  }
  return "?";
}

std::string target_path(std::string_view target) {
  // absolute-form: scheme "://" authority path-abempty [ "?" query ] (RFC 9112 §3.2.2)
  std::size_t i = 0;
  while (i < target.size() && (std::isalnum(static_cast<unsigned char>(target[i])) != 0 ||
                               target[i] == '+' || target[i] == '-' || target[i] == '.')) {
    ++i;
  }
  if (i == 0 || std::isalpha(static_cast<unsigned char>(target[0])) == 0 ||
      target.substr(i, 3) != "://") {
    return std::string(target);
  }
  const std::size_t path = target.find_first_of("/?", i + 3);
  if (path == std::string_view::npos) return "/";
  std::string out = target[path] == '?' ? "/" : "";
  out.append(target.substr(path));
  return out;
}

std::string loose_target(std::string_view target) {
  std::string t = target_path(target);
  if (t.size() > 1 && t[0] == '/' && t.find("://") != std::string::npos) {
    const std::string inner = target_path(std::string_view(t).substr(1));
    if (inner != t.substr(1)) t = inner;
  }
  t = percent_decoded(t);
  t = t.substr(0, t.find('#'));
  const std::size_t q = t.find('?');
  const std::string path = t.substr(0, q);
  const std::string query = q == std::string::npos ? "" : t.substr(q);
  return without_dot_segments(path) + query;
}

SmugglingFinding smuggling_oracle(const ProxyExchange& exchange) {
  SmugglingFinding out;
  if (!exchange.client_fully_parsed) {
    out.reason = "the client's bytes are not all complete requests: nothing to compare";
    return out;
  }
  const std::vector<Request>& sent_list = exchange.client_sent;
  std::vector<bool> used(sent_list.size(), false);
  std::vector<bool> pending(exchange.at_origin.size(), false);  // for the second pass
  std::size_t retries = 0, rewrites = 0, late = 0;
  for (std::size_t k = 0; k < exchange.at_origin.size(); ++k) {
    const Request& got = exchange.at_origin[k];
    bool matched = false, repeat = false;
    for (std::size_t c = 0; c < sent_list.size() && !matched; ++c) {
      if (!same_request(got, sent_list[c])) continue;
      if (!used[c]) {
        used[c] = true;
        matched = true;
      } else {
        repeat = true;
      }
    }
    if (matched) continue;
    if (repeat && idempotent(got.method)) {
      ++retries;
      continue;
    }
    pending[k] = true;
  }
  bool smuggled = false;
  for (std::size_t k = 0; k < exchange.at_origin.size() && !smuggled; ++k) {
    if (!pending[k]) continue;
    const Request& got = exchange.at_origin[k];
    bool matched = false;
    for (std::size_t c = 0; c < sent_list.size() && !matched; ++c) {
      if (used[c] || !rewritten_from(got, sent_list[c])) continue;
      used[c] = true;
      matched = true;
      ++rewrites;
    }
    if (matched) continue;
    if (std::any_of(exchange.earlier_sent.begin(), exchange.earlier_sent.end(),
                    [&](const Request& e) { return same_request(got, e); })) {
      ++late;
      continue;
    }
    smuggled = true;
    out.verdict = SmugglingVerdict::smuggled;
    out.smuggled_index = k;
    out.reason = "origin request " + std::to_string(k + 1) + " (" + quoted(describe(got), 80) +
                 ") is no request the client sent: the proxy and the origin cut the client's "
                 "bytes into different messages";
  }
  const std::size_t sent = exchange.client_sent.size();
  const bool desync = exchange.final_responses > sent;
  const std::string responses =
      count(exchange.final_responses, "final response", "final responses") + " to " +
      count(sent, "request", "requests");
  if (desync) {
    const std::string why = responses +
                            ": one response per request, in order (RFC 9112 §9.3), so the client "
                            "pairs responses with the wrong requests";
    if (smuggled) {
      out.reason += "; and " + why;
    } else {
      out.verdict = SmugglingVerdict::desync;
      out.reason = why;
    }
  }
  if (!smuggled && !desync) {
    out.reason = count(exchange.at_origin.size(), "origin request", "origin requests") +
                 ", each one the client sent";
    std::string notes;
    const auto note = [&](std::size_t n, std::string_view what) {
      if (n == 0) return;
      notes += (notes.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(what);
    };
    note(retries, retries == 1 ? "retry" : "retries");
    note(rewrites, "rewritten by the proxy (target, HEAD as GET, or body cut)");
    note(late, "a late forward of an earlier exchange's request");
    if (!notes.empty()) out.reason += " (" + notes + ")";
    out.reason += "; " + responses;
  }
  return out;
}

}  // namespace h1spec
