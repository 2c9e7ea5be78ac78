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

SmugglingFinding smuggling_oracle(const ProxyExchange& exchange) {
  SmugglingFinding out;
  if (!exchange.client_fully_parsed) {
    out.reason = "the client's bytes are not all complete requests: nothing to compare";
    return out;
  }
  std::vector<bool> used(exchange.client_sent.size(), false);
  std::size_t retries = 0;
  bool smuggled = false;
  for (std::size_t k = 0; k < exchange.at_origin.size() && !smuggled; ++k) {
    const Request& got = exchange.at_origin[k];
    bool matched = false, repeat = false;
    for (std::size_t c = 0; c < exchange.client_sent.size() && !matched; ++c) {
      if (!same_request(got, exchange.client_sent[c])) continue;
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
    if (retries > 0) out.reason += " (" + count(retries, "retry", "retries") + ")";
    out.reason += "; " + responses;
  }
  return out;
}

}  // namespace h1spec
