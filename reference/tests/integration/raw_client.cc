#include "raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace h1::integration {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

void set_socket_timeout(int fd, int option, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  if (::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv) != 0) {
    throw std::runtime_error("setsockopt timeout failed");
  }
}

// Parses the status line and fields of head (which ends in CRLF CRLF).
Response parse_head(std::string head) {
  Response r;
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) {
    throw std::runtime_error("not an HTTP/1.x status line: " + head.substr(0, 80));
  }
  r.status = std::atoi(head.c_str() + 9);
  std::size_t pos = head.find("\r\n") + 2;
  while (pos < head.size()) {
    const std::size_t end = head.find("\r\n", pos);
    if (end == pos) break;
    const std::string line = head.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("field line without colon: " + line);
    r.fields.emplace_back(lower(line.substr(0, colon)), trim(line.substr(colon + 1)));
    pos = end + 2;
  }
  r.head = std::move(head);
  return r;
}

}  // namespace

std::optional<std::string> Response::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return std::nullopt;
}

RawClient::RawClient(std::uint16_t port, std::chrono::milliseconds timeout, int rcvbuf)
    : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  if (!fd_) throw std::runtime_error("socket failed");
  if (rcvbuf > 0) ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  set_socket_timeout(fd_.get(), SO_RCVTIMEO, timeout);
  set_socket_timeout(fd_.get(), SO_SNDTIMEO, timeout);
  const int one = 1;
  ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("connect failed");
  }
}

void RawClient::set_timeout(std::chrono::milliseconds timeout) {
  set_socket_timeout(fd_.get(), SO_RCVTIMEO, timeout);
  set_socket_timeout(fd_.get(), SO_SNDTIMEO, timeout);
}

bool RawClient::wait_for_bytes(std::chrono::milliseconds timeout) {
  if (!buffer_.empty()) return true;
  pollfd p{fd_.get(), POLLIN, 0};
  int n;
  do {
    n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (n < 0 && errno == EINTR);
  char c;
  return n > 0 && ::recv(fd_.get(), &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
}

void RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("send failed");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void RawClient::send_bytewise(std::string_view bytes, std::chrono::milliseconds pause) {
  for (char c : bytes) {
    send(std::string_view(&c, 1));
    std::this_thread::sleep_for(pause);
  }
}

bool RawClient::fill() {
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) return false;
    if (errno == EAGAIN || errno == EWOULDBLOCK) throw std::runtime_error("read timed out");
    throw std::runtime_error("recv failed");
  }
}

std::string RawClient::take(std::size_t n) {
  while (buffer_.size() < n) {
    if (!fill()) throw std::runtime_error("connection closed mid-body");
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

Response RawClient::read_response(bool to_head) {
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) throw std::runtime_error("connection closed before a full head: " + buffer_);
  }
  Response r = parse_head(take(end + 4));
  if (to_head || r.status == 204 || r.status == 304 || r.status / 100 == 1) return r;
  const auto te = r.field("transfer-encoding");
  if (te && lower(*te).find("chunked") != std::string::npos) {
    for (;;) {
      const std::size_t size = std::strtoul(read_line().c_str(), nullptr, 16);
      if (size == 0) break;
      r.body += take(size);
      take(2);
    }
    while (!read_line().empty()) {  // trailer fields, up to the empty line
    }
    return r;
  }
  if (const auto cl = r.field("content-length")) {
    r.body = take(std::strtoull(cl->c_str(), nullptr, 10));
    return r;
  }
  r.body = read_to_close();
  return r;
}

void RawClient::abort() {
  const linger lg{1, 0};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  fd_.reset();
}

std::string RawClient::read_line() {
  std::size_t eol;
  while ((eol = buffer_.find("\r\n")) == std::string::npos) {
    if (!fill()) throw std::runtime_error("connection closed mid-line");
  }
  std::string line = take(eol + 2);
  line.resize(eol);
  return line;
}

std::string RawClient::read_to_close() {
  while (fill()) {
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}

bool RawClient::peer_closes(std::chrono::milliseconds timeout) {
  set_socket_timeout(fd_.get(), SO_RCVTIMEO, timeout);
  try {
    return !fill();
  } catch (const std::runtime_error&) {
    return false;  // timed out: still open
  }
}

std::string request(std::string_view method, std::string_view target, std::string_view extra) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
  r.append(extra).append("\r\n");
  return r;
}

std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace h1::integration
