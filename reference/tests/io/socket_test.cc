#include "io/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "io/stream.h"

namespace h1::io {
namespace {

unique_fd connect_to(std::uint16_t port) {
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Waits for the given events on fd: whatever the machine's speed, only a test that would
// hang waits the whole 10 s. True when one came.
bool wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  int n;
  do {
    n = ::poll(&p, 1, 10'000);
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

// Accepts, once the connection has made its way through the loopback.
AcceptResult accept_soon(int listener) {
  REQUIRE(wait_for(listener, POLLIN));
  return accept_connection(listener);
}

TEST_CASE("listen_tcp on port 0 picks a port that bound_port reports", "[socket]") {
  auto l = listen_tcp("127.0.0.1", 0, false, 16);
  REQUIRE(l);
  const auto port = bound_port(l.value->get());
  REQUIRE(port);
  CHECK(*port != 0);
  CHECK((::fcntl(l.value->get(), F_GETFL) & O_NONBLOCK) != 0);
}

TEST_CASE("listen_tcp rejects a bad host and a taken port", "[socket]") {
  auto bad = listen_tcp("localhost", 0, false, 16);
  CHECK_FALSE(bad);
  CHECK(bad.error.find("localhost") != std::string::npos);

  auto first = listen_tcp("127.0.0.1", 0, false, 16);
  REQUIRE(first);
  const auto port = *bound_port(first.value->get());
  auto second = listen_tcp("127.0.0.1", port, false, 16);
  REQUIRE_FALSE(second);
  CHECK(second.error.find("bind") != std::string::npos);
}

TEST_CASE("SO_REUSEPORT lets several listeners share a port", "[socket]") {
  auto a = listen_tcp("127.0.0.1", 0, true, 16);
  REQUIRE(a);
  const auto port = *bound_port(a.value->get());
  auto b = listen_tcp("127.0.0.1", port, true, 16);
  REQUIRE(b);
  CHECK(*bound_port(b.value->get()) == port);
}

TEST_CASE("check_port_free sees a SO_REUSEPORT group that is listening", "[socket]") {
  auto group = listen_tcp("127.0.0.1", 0, true, 16);
  REQUIRE(group);
  const auto port = *bound_port(group.value->get());
  const auto r = check_port_free("127.0.0.1", port);
  CHECK_FALSE(r);
  CHECK(r.error.find("bind") != std::string::npos);
  group.value->reset();
  CHECK(check_port_free("127.0.0.1", port));
}

TEST_CASE("accept_connection and the stream calls move bytes", "[socket]") {
  auto l = listen_tcp("127.0.0.1", 0, false, 16);
  REQUIRE(l);
  const int listener = l.value->get();
  CHECK(accept_connection(listener).status == AcceptStatus::would_block);

  unique_fd client = connect_to(*bound_port(listener));
  AcceptResult server = accept_soon(listener);
  REQUIRE(server.status == AcceptStatus::ok);
  CHECK((::fcntl(server.fd.get(), F_GETFL) & O_NONBLOCK) != 0);
  // Set on the listener once and inherited: small responses are never held by Nagle.
  int nodelay = 0;
  socklen_t len = sizeof nodelay;
  REQUIRE(::getsockopt(server.fd.get(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0);
  CHECK(nodelay == 1);

  char buf[16];
  CHECK(read_some(server.fd.get(), buf).status == IoStatus::would_block);

  const char hello[] = "hello";
  const iovec iov[2] = {{const_cast<char*>(hello), 2}, {const_cast<char*>(hello + 2), 3}};
  const IoResult w = write_gather(server.fd.get(), iov);
  CHECK(w.status == IoStatus::ok);
  CHECK(w.count == 5);
  CHECK(::read(client.get(), buf, sizeof buf) == 5);

  REQUIRE(shutdown_write(server.fd.get()));
  CHECK(::read(client.get(), buf, sizeof buf) == 0);  // FIN arrived

  client.reset();
  REQUIRE(wait_for(server.fd.get(), POLLIN | POLLRDHUP));  // the client's FIN
  CHECK(read_some(server.fd.get(), buf).status == IoStatus::eof);
}

TEST_CASE("a head written with more=true leaves together with the file after it", "[socket]") {
  auto l = listen_tcp("127.0.0.1", 0, false, 16);
  REQUIRE(l);
  unique_fd client = connect_to(*bound_port(l.value->get()));
  AcceptResult server = accept_soon(l.value->get());
  REQUIRE(server.status == AcceptStatus::ok);

  char path[] = "/tmp/h1-socket-test-XXXXXX";
  unique_fd file(::mkstemp(path));
  REQUIRE(file);
  ::unlink(path);
  const std::string body(100'000, 'b');
  REQUIRE(::write(file.get(), body.data(), body.size()) == static_cast<ssize_t>(body.size()));

  const char head[] = "HEAD:";
  const iovec iov[1] = {{const_cast<char*>(head), 5}};
  const IoResult w = write_gather(server.fd.get(), iov, true);
  REQUIRE(w.status == IoStatus::ok);
  CHECK(w.count == 5);
  // Sends the file and reads as it goes, so that the socket buffers' sizes (the kernel's
  // settings) never decide whether it all fits.
  std::uint64_t offset = 0;
  std::size_t sent = 0;
  std::string got;
  char buf[65536];
  while (sent < body.size() || got.size() < 5 + body.size()) {
    bool progress = false;
    if (sent < body.size()) {
      const IoResult f = send_file(server.fd.get(), file.get(), offset, body.size() - sent);
      REQUIRE(f.status != IoStatus::error);
      REQUIRE(f.status != IoStatus::eof);
      if (f.status == IoStatus::ok) {
        sent += f.count;
        progress = true;
      }
    }
    const ssize_t n = ::recv(client.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      got.append(buf, static_cast<std::size_t>(n));
      progress = true;
    } else {
      REQUIRE(n < 0);  // never EOF: the server side is still open
      REQUIRE((errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
    }
    if (!progress) REQUIRE(wait_for(client.get(), POLLIN));
  }
  CHECK(sent == body.size());
  CHECK(offset == body.size());
  CHECK(got == "HEAD:" + body);
}

}  // namespace
}  // namespace h1::io
