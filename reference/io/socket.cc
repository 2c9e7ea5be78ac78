#include "io/socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <cerrno>

namespace h1::io {

namespace {

bool set_flag(int fd, int level, int name) noexcept {
  const int one = 1;
  return ::setsockopt(fd, level, name, &one, sizeof one) == 0;
}

// Creates a socket bound to host:port, not yet listening.
SetupResult<unique_fd> bind_tcp(const std::string& host, std::uint16_t port, bool reuseport) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return SetupResult<unique_fd>::fail("invalid IPv4 address '" + host + "'");
  }
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return SetupResult<unique_fd>::fail(errno_message("socket", errno));
  // SO_REUSEADDR lets a restarted server bind while old connections sit in TIME_WAIT.
  if (!set_flag(fd.get(), SOL_SOCKET, SO_REUSEADDR)) {
    return SetupResult<unique_fd>::fail(errno_message("SO_REUSEADDR", errno));
  }
  if (reuseport && !set_flag(fd.get(), SOL_SOCKET, SO_REUSEPORT)) {
    return SetupResult<unique_fd>::fail(errno_message("SO_REUSEPORT", errno));
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return SetupResult<unique_fd>::fail(
        errno_message("bind " + host + ":" + std::to_string(port), errno));
  }
  return SetupResult<unique_fd>::ok(std::move(fd));
}

}  // namespace

SetupResult<unique_fd> listen_tcp(const std::string& host, std::uint16_t port, bool reuseport,
                                  int backlog) {
  auto fd = bind_tcp(host, port, reuseport);
  // Accepted sockets inherit TCP_NODELAY from the listener on Linux: set once here, not
  // once per connection. Best effort: without it small tails are only slower.
  if (fd) (void)set_flag(fd.value->get(), IPPROTO_TCP, TCP_NODELAY);
  if (fd && ::listen(fd.value->get(), backlog) != 0) {
    return SetupResult<unique_fd>::fail(
        errno_message("listen " + host + ":" + std::to_string(port), errno));
  }
  return fd;
}

SetupResult<bool> check_port_free(const std::string& host, std::uint16_t port) {
  auto fd = bind_tcp(host, port, false);
  if (!fd) return SetupResult<bool>::fail(fd.error);
  return SetupResult<bool>::ok(true);
}

std::optional<std::uint16_t> bound_port(int fd) noexcept {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return std::nullopt;
  if (addr.sin_family != AF_INET) return std::nullopt;
  return ntohs(addr.sin_port);
}

AcceptResult accept_connection(int listen_fd) noexcept {
  AcceptResult r;
  const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    r.err = errno;
    switch (r.err) {
      case EAGAIN:
        r.status = AcceptStatus::would_block;
        break;
      // Linux reports errors already pending on the new socket through accept4; the
      // listener itself is fine, so these mean "that one connection died, go on".
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
      case ENETDOWN:
      case ENOPROTOOPT:
      case EHOSTDOWN:
      case ENONET:
      case EHOSTUNREACH:
      case EOPNOTSUPP:
      case ENETUNREACH:
      case EPERM:  // a firewall rule refused it
        r.status = AcceptStatus::retry;
        break;
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        r.status = AcceptStatus::no_fds;
        break;
      default:
        r.status = AcceptStatus::error;
        break;
    }
    return r;
  }
  r.fd.reset(fd);
  r.status = AcceptStatus::ok;
  return r;
}

bool shutdown_write(int fd) noexcept { return ::shutdown(fd, SHUT_WR) == 0; }

}  // namespace h1::io
