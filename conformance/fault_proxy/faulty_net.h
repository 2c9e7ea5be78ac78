// The few socket calls the fault-injecting relay needs, behind an owning descriptor type.
// Written for the test tool alone: conformance/ takes nothing from reference/io/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace h1spec::faulty {

// Move-only owner of a file descriptor; the only place the fault tool calls close().
class Fd {
 public:
  Fd() noexcept = default;
  // Takes ownership of fd (negative means none).
  explicit Fd(int fd) noexcept : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  // Closes what it held, then owns other's descriptor.
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  // The descriptor, still owned; -1 when empty.
  [[nodiscard]] int get() const noexcept { return fd_; }
  // True when a descriptor is held.
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  // Closes the descriptor, if any.
  void reset() noexcept;

 private:
  int fd_ = -1;
};

// An IPv4 address and port, as given by --upstream.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// Parses "127.B.C.D:PORT"; false when either part is malformed or the address is not in
// 127.0.0.0/8: the relay sends deliberately broken HTTP, so never off this machine.
[[nodiscard]] bool parse_endpoint(std::string_view text, Endpoint& out);

// A socket listening on 127.0.0.1:port (0 picks a free port), or an empty Fd.
[[nodiscard]] Fd listen_loopback(std::uint16_t port);

// The local port a socket is bound to, or 0.
[[nodiscard]] std::uint16_t local_port(int fd);

// A connected, non-blocking socket to the endpoint (the connect itself blocks), or empty.
[[nodiscard]] Fd connect_to(const Endpoint& endpoint);

// Makes an accepted socket non-blocking with TCP_NODELAY, so relayed segments are not delayed.
[[nodiscard]] bool make_relay_socket(int fd);

}  // namespace h1spec::faulty
