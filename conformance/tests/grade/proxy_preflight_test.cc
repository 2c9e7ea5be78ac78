#include "grade/proxy_preflight.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "wire/wire_connection.h"

using namespace h1spec;
using namespace std::chrono_literals;

namespace {

// A listening socket on an ephemeral loopback port that serves one connection with `serve`.
struct OneShot {
  int fd = -1;
  int port = 0;
  std::thread thread;
  template <typename F>
  explicit OneShot(F serve) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
    thread = std::thread([this, serve] {
      const int c = ::accept(fd, nullptr, nullptr);
      if (c >= 0) serve(c);
      if (c >= 0) ::close(c);
    });
  }
  ~OneShot() {
    thread.join();
    ::close(fd);
  }
  OneShot(const OneShot&) = delete;
  OneShot& operator=(const OneShot&) = delete;
};

Endpoint loopback(int port) {
  Endpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.name = ep.authority();
  return ep;
}

// Reads one request head from fd.
std::string read_head(int fd) {
  std::string in;
  char buf[512];
  while (in.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  return in;
}

}  // namespace

TEST_CASE("proxy preflight: a GET that reaches the origin passes", "[proxy_preflight]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  // A minimal "proxy": forwards the head it reads to the origin, then answers 200 itself.
  OneShot proxy([&o](int c) {
    const std::string head = read_head(c);
    WireConnection up;
    std::string why;
    if (up.connect(loopback(o.port()), 5s, why)) (void)up.send_all(head, Clock::now() + 5s);
    (void)o.wait_for_requests(1, 10s);
    const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    (void)::send(c, ok.data(), ok.size(), MSG_NOSIGNAL);
  });
  const ProxyPreflightResult r = proxy_preflight(loopback(proxy.port), o, 10s);
  CHECK(r.reachable);
  CHECK(r.forwarded);
  INFO(r.error);
  CHECK(r.error.empty());
  CHECK(o.snapshot().connections.empty());  // reset again for the first case
}

TEST_CASE("proxy preflight: a proxy that answers without forwarding names the origin port",
          "[proxy_preflight]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  OneShot proxy([](int c) {
    (void)read_head(c);
    const std::string bad = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
    (void)::send(c, bad.data(), bad.size(), MSG_NOSIGNAL);
  });
  // The 10 s bound is not waited out: the proxy's answer ends the wait after a short grace.
  const auto start = Clock::now();
  const ProxyPreflightResult r = proxy_preflight(loopback(proxy.port), o, 10s);
  CHECK(Clock::now() - start < 9s);
  CHECK(r.reachable);
  CHECK_FALSE(r.forwarded);
  CHECK(r.error == "the proxy at " + loopback(proxy.port).authority() +
                       " did not forward a GET to the origin; configure it to forward to "
                       "127.0.0.1:" +
                       std::to_string(o.port()));
}

TEST_CASE("proxy preflight: nothing listening is unreachable", "[proxy_preflight]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  int port = 0;
  {
    OneShot closed([](int) {});
    port = closed.port;
    WireConnection poke;  // let the one-shot accept and finish, so the port closes
    REQUIRE(poke.connect(loopback(port), 5s, error));
  }
  const ProxyPreflightResult r = proxy_preflight(loopback(port), o, 2s);
  CHECK_FALSE(r.reachable);
  CHECK_FALSE(r.forwarded);
  CHECK(r.error.find("cannot connect to 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}
