#include "wire/wire_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <utility>

namespace h1spec {

namespace {
int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}
}  // namespace

WireConnection::~WireConnection() { close(); }

WireConnection::WireConnection(WireConnection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

bool WireConnection::connect(const Endpoint& to, std::chrono::milliseconds timeout,
                             std::string& error) {
  close();
  if (std::string refused = guard_message(to); !refused.empty()) {
    error = std::move(refused);
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // A loopback target is a literal (or localhost, mapped to 127.0.0.1): never ask a resolver.
  if (!to.allow_remote) hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(to.port);
  if (const int rc = ::getaddrinfo(to.connect_host().c_str(), port.c_str(), &hints, &res);
      rc != 0) {
    error = "cannot resolve " + to.host + ": " + gai_strerror(rc);
    return false;
  }
  const auto deadline = Clock::now() + timeout;
  error = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd_ = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd_ < 0) continue;
    int rc = ::connect(fd_, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd_, POLLOUT, 0};
      rc = ::poll(&p, 1, remaining_ms(deadline)) == 1 ? 0 : -1;
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (rc == 0 && (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0)) {
        errno = soerr;
        rc = -1;
      } else if (rc != 0) {
        errno = ETIMEDOUT;
      }
    }
    if (rc == 0) {
      ::freeaddrinfo(res);
      return true;
    }
    error = "cannot connect to " + to.authority() + ": " + std::strerror(errno);
    close();
  }
  ::freeaddrinfo(res);
  return false;
}

void WireConnection::set_nodelay(bool on) {
  const int v = on ? 1 : 0;
  (void)::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
}

bool WireConnection::send_all(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

RecvStatus WireConnection::receive(std::string& out, Clock::time_point deadline) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      return RecvStatus::data;
    }
    if (n == 0) return RecvStatus::eof;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return RecvStatus::reset;
    pollfd p{fd_, POLLIN, 0};
    const int ms = remaining_ms(deadline);
    if (ms == 0 || ::poll(&p, 1, ms) <= 0) return RecvStatus::timeout;
  }
}

void WireConnection::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void WireConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace h1spec
