#include "grade/preflight.h"

#include "wire/wire_connection.h"

namespace h1spec {

PreflightResult preflight(const Endpoint& target, std::chrono::milliseconds timeout) {
  PreflightResult r;
  WireConnection conn;
  if (!conn.connect(target, timeout, r.error)) return r;
  r.reachable = true;
  const std::string get =
      "GET / HTTP/1.1\r\nHost: " + target.authority() + "\r\nConnection: close\r\n\r\n";
  const Clock::time_point deadline = Clock::now() + timeout;
  if (!conn.send_all(get, deadline)) {
    r.warning = "it accepted a connection but did not take a plain GET /";
    return r;
  }
  std::string in;
  RecvStatus s = RecvStatus::data;
  while (in.size() < 5 && s == RecvStatus::data) s = conn.receive(in, deadline);
  if (in.starts_with("HTTP/")) return r;
  if (!in.empty()) {
    r.warning = "it answered a plain GET / with bytes that are not an HTTP response";
  } else if (s == RecvStatus::timeout) {
    r.warning = "it did not answer a plain GET / within " + std::to_string(timeout.count()) + " ms";
  } else {
    r.warning = "it closed the connection without answering a plain GET /";
  }
  r.warning +=
      ": cases whose accepted outcome is a close or a timeout may pass without proving "
      "anything";
  return r;
}

}  // namespace h1spec
