#include "grade/smuggling_oracle.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "grade/quoted.h"

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

}  // namespace

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
