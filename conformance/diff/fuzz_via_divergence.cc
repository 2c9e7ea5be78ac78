#include "diff/fuzz_via_divergence.h"

#include <algorithm>
#include <array>
#include <optional>

#include "grade/smuggling_oracle.h"

namespace h1spec::fuzz {

namespace {

bool idempotent(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kMethods = {"GET",   "HEAD", "OPTIONS",
                                                               "TRACE", "PUT",  "DELETE"};
  return std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end();
}

bool same_target(const Request& a, const Request& b) {
  return target_path(a.target) == target_path(b.target);
}

bool exact(const Request& a, const Request& b) {
  return a.method == b.method && a.body == b.body && same_target(a, b);
}

std::string describe(const Request& r) {
  std::string out = r.method + " " + r.target;
  if (!r.body.empty()) out += " with a " + std::to_string(r.body.size()) + "-byte body";
  return out;
}

std::string nth(std::size_t i) { return "origin request " + std::to_string(i + 1); }

// The pairing of origin requests with client requests, and what could not be paired.
struct Pairing {
  std::vector<std::size_t> unpaired;  ///< origin indexes left for the tail
  std::optional<std::size_t> repeat;  ///< first copy of a non-idempotent request
  std::optional<std::size_t> body;    ///< first request forwarded with other body bytes
  std::size_t body_client = 0;        ///< ... and the client request it stands for
  ViaBenign benign;
};

// With a tail, a second copy of a non-idempotent request may as well be a message of the tail
// that looks the same, so it is left for the tail to be judged by.
Pairing pair_requests(const std::vector<Request>& client, const std::vector<Request>& origin,
                      bool has_tail) {
  Pairing p;
  std::vector<bool> used(client.size(), false);
  const auto find = [&](const auto& pred, bool want_used) -> std::optional<std::size_t> {
    for (std::size_t c = 0; c < client.size(); ++c) {
      if (used[c] == want_used && pred(client[c])) return c;
    }
    return std::nullopt;
  };
  for (std::size_t k = 0; k < origin.size(); ++k) {
    const Request& o = origin[k];
    if (auto c = find([&](const Request& r) { return exact(r, o); }, false)) {
      used[*c] = true;
      continue;
    }
    if (find([&](const Request& r) { return exact(r, o); }, true)) {
      if (idempotent(o.method)) {
        ++p.benign.retries;
      } else if (has_tail) {
        p.unpaired.push_back(k);
      } else if (!p.repeat) {
        p.repeat = k;
      }
      continue;
    }
    if (auto c = find([&](const Request& r) { return r.method == o.method && same_target(r, o); },
                      false)) {
      used[*c] = true;
      if ((o.method == "GET" || o.method == "HEAD") && o.body.empty()) {
        ++p.benign.body_dropped;
      } else if (!p.body) {
        p.body = k;
        p.body_client = *c;
      }
      continue;
    }
    if (auto c = find([&](const Request& r) { return r.method == o.method && r.body == o.body; },
                      false)) {
      used[*c] = true;
      ++p.benign.rewritten;
      continue;
    }
    if (auto c = find(
            [&](const Request& r) {
              return r.method == "HEAD" && o.method == "GET" && same_target(r, o);
            },
            false)) {
      used[*c] = true;
      ++p.benign.head_as_get;
      continue;
    }
    p.unpaired.push_back(k);
  }
  return p;
}

// The first request forwarded out of an ambiguous tail beyond what the RFC allows: its
// origin index and the detail token, or nullopt.
std::optional<std::pair<std::size_t, std::string>> beyond_allowed(
    const ClientView& v, const std::vector<Request>& origin, const std::vector<std::size_t>& u) {
  if (u.empty()) return std::nullopt;
  const Request& first = origin[u.front()];
  const bool same_message =
      first.method == v.tail_method && target_path(first.target) == target_path(v.tail_target);
  if (v.ambiguity == Ambiguity::cl_te && v.te_reading) {
    if (!same_message) return std::make_pair(u.front(), std::string("extra"));
    if (first.body != v.te_reading->body) return std::make_pair(u.front(), std::string("cl-body"));
  } else if (v.ambiguity == Ambiguity::te_http10) {
    if (!same_message) return std::make_pair(u.front(), std::string("extra"));
  } else {
    return std::make_pair(u.front(), std::string("forwarded"));
  }
  if (u.size() > 1) return std::make_pair(u[1], std::string("after"));
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ViaKind k) {
  switch (k) {
    case ViaKind::none:
      return "none";
    case ViaKind::smuggled:
      return "smuggled";
    case ViaKind::ambiguous:
      return "ambiguous";
    case ViaKind::body:
      return "body";
    case ViaKind::desync:
      return "desync";
  }
  return "?";
}

std::string ViaDivergence::signature() const {
  std::string s(to_string(kind));
  if (kind == ViaKind::ambiguous) {
    s += '/';
    s += to_string(ambiguity);
  }
  if (!detail.empty()) {
    s += '/';
    s += detail;
  }
  return s;
}

std::size_t allowed_from_tail(const ClientView& client) {
  if (client.ambiguity == Ambiguity::cl_te) return client.te_reading ? 1 : 0;
  return client.ambiguity == Ambiguity::te_http10 ? 1 : 0;
}

ViaDivergence classify_via(const ClientView& client, const std::vector<Request>& at_origin,
                           std::size_t final_responses) {
  ViaDivergence d;
  const Pairing p = pair_requests(client.requests, at_origin, client.has_tail);
  d.benign = p.benign;
  if (!client.has_tail) {
    const ProxyExchange exchange{client.requests, true, final_responses, at_origin, {}};
    const SmugglingFinding oracle = smuggling_oracle(exchange);
    if (!p.unpaired.empty() && oracle.verdict == SmugglingVerdict::smuggled) {
      d.kind = ViaKind::smuggled;
      d.detail = "extra";
      d.origin_index = p.unpaired.front();
      d.reason = nth(d.origin_index) + " (" + describe(at_origin[d.origin_index]) +
                 ") is no request the client sent (smuggling oracle: " +
                 std::string(to_string(oracle.verdict)) + ")";
      return d;
    }
  }
  if (p.repeat) {
    d.kind = ViaKind::smuggled;
    d.detail = "repeat";
    d.origin_index = *p.repeat;
    d.reason = nth(*p.repeat) + " (" + describe(at_origin[*p.repeat]) +
               ") repeats a non-idempotent request the client sent once";
    return d;
  }
  if (client.has_tail && client.ambiguous()) {
    if (const auto beyond = beyond_allowed(client, at_origin, p.unpaired)) {
      d.kind = ViaKind::ambiguous;
      d.ambiguity = client.ambiguity;
      d.detail = beyond->second;
      d.origin_index = beyond->first;
      d.reason = nth(beyond->first) + " (" + describe(at_origin[beyond->first]) +
                 ") was forwarded out of a message h1spec rejects (" + client.tail_error +
                 "), where a correct proxy forwards " +
                 (allowed_from_tail(client) == 0
                      ? std::string("nothing of it")
                      : std::string("at most the message itself") +
                            (client.ambiguity == Ambiguity::cl_te ? " read by its Transfer-Encoding"
                                                                  : "") +
                            " and nothing after it");
      return d;
    }
  } else if (client.has_tail) {
    d.benign.lenient += p.unpaired.size();
  }
  if (p.body) {
    const Request& o = at_origin[*p.body];
    const Request& c = client.requests[p.body_client];
    d.kind = ViaKind::body;
    d.detail = o.body.size() < c.body.size()   ? "shorter"
               : o.body.size() > c.body.size() ? "longer"
                                               : "changed";
    d.origin_index = *p.body;
    d.reason = nth(*p.body) + " (" + describe(o) + ") stands for client request " +
               std::to_string(p.body_client + 1) + " (" + describe(c) +
               "), but its body bytes differ";
    return d;
  }
  const ProxyExchange exchange{client.requests, !client.has_tail, final_responses, at_origin, {}};
  if (!client.has_tail && smuggling_oracle(exchange).verdict == SmugglingVerdict::desync) {
    d.kind = ViaKind::desync;
    d.detail = "extra-response";
    d.reason = std::to_string(final_responses) + " final responses to " +
               std::to_string(client.requests.size()) + " request" +
               (client.requests.size() == 1 ? "" : "s") +
               ": one response per request, in order (RFC 9112 §9.3)";
  }
  return d;
}

}  // namespace h1spec::fuzz
