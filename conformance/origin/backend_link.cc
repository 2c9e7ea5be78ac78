#include "origin/backend_link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>

namespace h1spec::origin {

namespace {

constexpr std::size_t kReadChunk = 65'536;

bool transient(ssize_t n) {
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

}  // namespace

bool open_backend(BackendLink& link, const std::string& host, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1 &&
      (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ||
       errno == EINPROGRESS)) {
    link.fd = fd;
    return true;
  }
  if (fd >= 0) ::close(fd);
  link.eof = true;
  return false;
}

void backend_readable(BackendLink& link, std::string& out) {
  std::array<char, kReadChunk> buf{};
  const ssize_t n = ::recv(link.fd, buf.data(), buf.size(), 0);
  if (transient(n)) return;
  if (n > 0) {
    out.append(buf.data(), static_cast<std::size_t>(n));
    return;
  }
  close_backend(link);  // FIN or an error: what it sent is relayed, then the proxy gets a FIN
}

void backend_writable(BackendLink& link, std::string& out) {
  const ssize_t n = ::send(link.fd, link.to_backend.data(), link.to_backend.size(), MSG_NOSIGNAL);
  if (transient(n)) return;
  if (n < 0) {
    backend_readable(link, out);  // reads the error (or what is left) and ends the link
    return;
  }
  link.to_backend.erase(0, static_cast<std::size_t>(n));
}

void pass_on_fin(BackendLink& link) {
  if (link.fd < 0 || link.write_shut || !link.to_backend.empty()) return;
  ::shutdown(link.fd, SHUT_WR);
  link.write_shut = true;
}

void close_backend(BackendLink& link) {
  if (link.fd >= 0) ::close(link.fd);
  link.fd = -1;
  link.eof = true;
  link.to_backend.clear();
}

}  // namespace h1spec::origin
