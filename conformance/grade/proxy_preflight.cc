#include "grade/proxy_preflight.h"

#include "grade/smuggling_oracle.h"
#include "wire/wire_connection.h"

namespace h1spec {

namespace {

using namespace std::chrono_literals;

// How long a forward may trail the proxy's own answer (it may answer from a cache, or write
// its response before the origin's record is taken).
constexpr auto kGrace = 500ms;

bool recorded(const origin::RecordingOrigin& o) {
  for (const origin::RecordedConnection& c : o.snapshot().connections) {
    for (const origin::RecordedRequest& r : c.requests) {
      if (target_path(r.request.target) == kProxyPreflightTarget) return true;
    }
  }
  return false;
}

}  // namespace

ProxyPreflightResult proxy_preflight(const Endpoint& proxy, origin::RecordingOrigin& origin,
                                     std::chrono::milliseconds timeout) {
  ProxyPreflightResult r;
  origin.reset();
  WireConnection conn;
  if (!conn.connect(proxy, timeout, r.error)) return r;
  r.error.clear();  // connect leaves a word in it on success too
  r.reachable = true;
  const std::string get = "GET " + std::string(kProxyPreflightTarget) +
                          " HTTP/1.1\r\nHost: " + proxy.authority() +
                          "\r\nConnection: close\r\n\r\n";
  auto deadline = Clock::now() + timeout;
  bool answered = !conn.send_all(get, deadline);
  std::string in;
  while (!recorded(origin) && Clock::now() < deadline) {
    if (!answered) {
      // Short reads, so the origin is looked at often; the proxy's answer only shortens the wait.
      const RecvStatus s = conn.receive(in, std::min(deadline, Clock::now() + 50ms));
      if (s == RecvStatus::eof || s == RecvStatus::reset ||
          (s == RecvStatus::data && !in.empty())) {
        answered = true;
        deadline = std::min(deadline, Clock::now() + kGrace);
      }
    } else {
      (void)origin.wait_for_change(origin.snapshot().generation, 50ms);
    }
  }
  r.forwarded = recorded(origin);
  if (!r.forwarded) {
    r.error = "the proxy at " + proxy.authority() + " did not forward a GET to the origin; " +
              "configure it to forward to 127.0.0.1:" + std::to_string(origin.port());
  }
  conn.close();
  origin.reset();
  return r;
}

}  // namespace h1spec
