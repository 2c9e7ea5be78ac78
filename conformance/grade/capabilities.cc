#include "grade/capabilities.h"

#include <optional>

#include "wire/response_reader.h"

namespace h1spec {

namespace {

using Clock = std::chrono::steady_clock;

// Sends one request on a fresh connection and reads one response; nullopt if none came.
std::optional<Response> ask(const Endpoint& target, const std::string& request, bool head,
                            std::chrono::milliseconds timeout) {
  WireConnection conn;
  std::string error;
  if (!conn.connect(target, timeout, error)) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  if (!conn.send_all(request, deadline)) return std::nullopt;
  std::string got;
  for (;;) {
    const ReadResult r = read_response(got, head, false);
    if (r.status == ReadStatus::complete) return r.response;
    if (r.status == ReadStatus::malformed) return std::nullopt;
    if (conn.receive(got, deadline) != RecvStatus::data) {
      const ReadResult last = read_response(got, head, true);
      if (last.status == ReadStatus::complete) return last.response;
      return std::nullopt;
    }
  }
}

std::string request(std::string_view method, const Endpoint& target, std::string_view extra) {
  return std::string(method) + " /index.html HTTP/1.1\r\nHost: " + target.authority() + "\r\n" +
         std::string(extra) + "Connection: close\r\n\r\n";
}

void set(Capabilities& caps, Capability c, bool present, std::string evidence) {
  caps.present[static_cast<std::size_t>(c)] = present;
  caps.evidence[static_cast<std::size_t>(c)] = std::move(evidence);
}

}  // namespace

Capabilities probe_capabilities(const Endpoint& target, std::chrono::milliseconds timeout) {
  Capabilities caps;
  if (const auto r = ask(target, request("GET", target, "Range: bytes=0-0\r\n"), false, timeout)) {
    set(caps, Capability::range, r->status == 206,
        "GET with Range: bytes=0-0 answered " + std::to_string(r->status));
  }
  if (const auto r = ask(target, request("OPTIONS", target, ""), false, timeout)) {
    set(caps, Capability::options, r->status / 100 == 2,
        "OPTIONS /index.html answered " + std::to_string(r->status));
  }
  // Only the date's presence: a server that has one but ignores If-Modified-Since misses a
  // SHOULD (RFC 9110 §13.1.3), which the cases must still report.
  if (const auto r = ask(target, request("GET", target, ""), false, timeout)) {
    const bool dated = r->find("Last-Modified") != nullptr;
    set(caps, Capability::validators, dated,
        dated ? "GET /index.html has Last-Modified" : "GET /index.html has no Last-Modified");
  }
  return caps;
}

}  // namespace h1spec
