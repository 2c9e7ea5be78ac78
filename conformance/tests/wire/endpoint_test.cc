#include "wire/endpoint.h"

#include <catch2/catch.hpp>
#include <string>

using namespace h1spec;

namespace {
Endpoint parsed(const std::string& text) {
  Endpoint ep;
  std::string error;
  INFO(text);
  REQUIRE(parse_endpoint(text, ep, error));
  CHECK(error.empty());
  return ep;
}

std::string refusal(const std::string& text) {
  Endpoint ep;
  std::string error;
  INFO(text);
  CHECK_FALSE(parse_endpoint(text, ep, error));
  CHECK_FALSE(error.empty());
  return error;
}
}  // namespace

TEST_CASE("HOST:PORT, [IPV6]:PORT and the =NAME suffix", "[endpoint]") {
  const Endpoint v4 = parsed("127.0.0.1:8080");
  CHECK(v4.host == "127.0.0.1");
  CHECK(v4.port == 8080);
  CHECK(v4.name == "127.0.0.1:8080");  // without a name, the authority labels the reports
  CHECK_FALSE(v4.allow_remote);

  const Endpoint v6 = parsed("[::1]:443");
  CHECK(v6.host == "::1");  // brackets are syntax, not part of the host
  CHECK(v6.port == 443);
  CHECK(v6.name == "[::1]:443");

  CHECK(parsed("127.0.0.1:1=h1ref").name == "h1ref");
  CHECK(parsed("[::1]:65535=six").name == "six");
  CHECK(parsed("[::1]:65535=six").port == 65535);
  CHECK(parsed("localhost:80=a=b").name == "a=b");                // the first '=' ends the address
  CHECK(parsed("example.invalid:80").host == "example.invalid");  // parsed; the guard refuses
}

TEST_CASE("bad targets are refused with a reason", "[endpoint]") {
  CHECK(refusal("127.0.0.1") == "no port: want HOST:PORT");
  CHECK(refusal("127.0.0.1=h1ref") == "no port: want HOST:PORT");
  CHECK(refusal(":80") == "no host");
  CHECK(refusal("[]:80") == "no host");
  CHECK(refusal("127.0.0.1:80=") == "an empty name after '='");
  for (const char* port :
       {"0", "65536", "99999999999999999999", "", "8o", "80x", "x80", "+80", "-1", " 80", "80 "}) {
    INFO(port);
    CHECK(refusal(std::string("127.0.0.1:") + port) == "the port must be a number from 1 to 65535");
    CHECK(refusal(std::string("[::1]:") + port) == "the port must be a number from 1 to 65535");
  }
  CHECK(refusal("::1:80") == "an IPv6 address wants brackets: [::1]:8080");
  CHECK(refusal("127.0.0.1:80:81") == "an IPv6 address wants brackets: [::1]:8080");
  for (const char* text : {"[::1]", "[::1]80", "[::1:80", "[::1]:"}) {
    INFO(text);
    CHECK_FALSE(refusal(text).empty());
  }
  CHECK(refusal("[::1]:") == "the port must be a number from 1 to 65535");
  CHECK(refusal("[::1]80") == "an IPv6 address wants brackets and a port: [::1]:8080");
}

TEST_CASE("authority() brackets IPv6; connect_host() maps localhost only", "[endpoint]") {
  CHECK(parsed("127.0.0.1:8080").authority() == "127.0.0.1:8080");
  CHECK(parsed("[::1]:8080").authority() == "[::1]:8080");
  CHECK(parsed("[::ffff:127.0.0.1]:8080").authority() == "[::ffff:127.0.0.1]:8080");
  CHECK(parsed("localhost:8080").authority() == "localhost:8080");  // the Host field keeps it

  // localhost is connected to as 127.0.0.1, so no resolver is asked for it.
  CHECK(parsed("localhost:8080").connect_host() == "127.0.0.1");
  CHECK(parsed("LocalHost:8080").connect_host() == "127.0.0.1");
  CHECK(parsed("127.0.0.5:8080").connect_host() == "127.0.0.5");
  CHECK(parsed("[::1]:8080").connect_host() == "::1");
  CHECK(parsed("localhost.:8080").connect_host() == "localhost.");  // not localhost: refused
}

TEST_CASE("loopback literals are loopback", "[endpoint][guard]") {
  for (const char* host :
       {"127.0.0.1", "127.0.0.0", "127.255.255.255", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1",
        "0000::0001", "localhost", "LOCALHOST", "LocalHost"}) {
    INFO(host);
    CHECK(is_loopback_host(host));
  }
  // Decided: an IPv4-mapped 127/8 address is loopback. Linux sends a connect to it from an
  // AF_INET6 socket over lo to 127.x.x.x, so it cannot leave the machine.
  CHECK(is_loopback_host("::ffff:127.0.0.1"));
  CHECK(is_loopback_host("::ffff:7f00:1"));
  CHECK(is_loopback_host("::FFFF:127.9.8.7"));
}

TEST_CASE("everything else is not loopback", "[endpoint][guard]") {
  for (const char* host :
       {"10.0.0.1", "192.168.1.1", "172.16.0.1", "8.8.8.8", "128.0.0.1", "126.255.255.255",
        "0.0.0.0", "255.255.255.255", "::", "::2", "fd00::1", "fe80::1", "2001:db8::1",
        "::ffff:10.0.0.1", "::ffff:126.0.0.1",
        // IPv4-compatible (deprecated) is not mapped: the kernel does not route it to lo.
        "::127.0.0.1",
        // Names that merely look local: only "localhost" itself is taken, unresolved.
        "127.0.0.1.example.com", "localhost.example.com", "localhost.", "localhostx", "xlocalhost",
        "local", "example.invalid", "ip6-localhost",
        // Forms inet_aton would read as 127.0.0.1 but a literal check must not accept.
        "0x7f.1", "0x7f000001", "2130706433", "127.1", "127.0.1", "0177.0.0.1", "127.0.0.01",
        // Not bare literals: spaces, brackets, zones, empties.
        " 127.0.0.1", "127.0.0.1 ", "[::1]", "::1%lo", "", "127.0.0.1:80"}) {
    INFO(host);
    CHECK_FALSE(is_loopback_host(host));
  }
}

TEST_CASE("the guard names the refused host and says nothing was sent", "[endpoint][guard]") {
  Endpoint ep = parsed("10.0.0.1:80=prod");
  const std::string why = guard_message(ep);
  CHECK(why.starts_with("10.0.0.1 is not a loopback address"));
  CHECK(why.find("nothing was sent") != std::string::npos);
  CHECK(why.find("--allow-remote") != std::string::npos);
  CHECK(why.find('\n') == std::string::npos);  // one line

  CHECK(guard_message(parsed("[fd00::1]:80")).starts_with("fd00::1 is not a loopback address"));
  CHECK_FALSE(guard_message(parsed("example.invalid:80")).empty());
  CHECK(guard_message(parsed("127.0.0.1:80")).empty());
  CHECK(guard_message(parsed("[::1]:80")).empty());
  CHECK(guard_message(parsed("localhost:80")).empty());

  ep.allow_remote = true;  // only --allow-remote lifts it
  CHECK(guard_message(ep).empty());
}
