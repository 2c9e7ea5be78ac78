// A raw TCP client for byte-exact cases: every write and read is explicit and bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "wire/endpoint.h"

namespace h1spec {

using Clock = std::chrono::steady_clock;

enum class RecvStatus : std::uint8_t { data, eof, timeout, reset };

class WireConnection {
 public:
  WireConnection() = default;
  ~WireConnection();
  WireConnection(WireConnection&& other) noexcept;
  WireConnection& operator=(WireConnection&&) = delete;
  WireConnection(const WireConnection&) = delete;

  // Connects with a deadline; false and error set on failure. Refuses, before any socket
  // or resolution, an endpoint that fails the loopback guard (endpoint.h).
  [[nodiscard]] bool connect(const Endpoint& to, std::chrono::milliseconds timeout,
                             std::string& error);
  void set_nodelay(bool on);
  // Writes all bytes; false if the peer reset or the deadline passed.
  [[nodiscard]] bool send_all(std::string_view bytes, Clock::time_point deadline);
  // Reads what is available (waiting until the deadline) and appends it to out.
  [[nodiscard]] RecvStatus receive(std::string& out, Clock::time_point deadline);
  void shutdown_write();
  void close();
  [[nodiscard]] bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace h1spec
