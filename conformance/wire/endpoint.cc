#include "wire/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <charconv>

namespace h1spec {

std::string Endpoint::authority() const {
  const std::string h = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return h + ":" + std::to_string(port);
}

std::string Endpoint::connect_host() const {
  return host.size() == 9 && ::strncasecmp(host.c_str(), "localhost", 9) == 0 ? "127.0.0.1" : host;
}

bool parse_endpoint(std::string_view text, Endpoint& out, std::string& error) {
  const std::size_t eq = text.find('=');
  const std::string_view addr = text.substr(0, eq);
  std::string_view host;
  std::string_view port_text;
  if (addr.starts_with('[')) {
    const std::size_t close = addr.find(']');
    if (close == std::string_view::npos || close + 1 >= addr.size() || addr[close + 1] != ':') {
      error = "an IPv6 address wants brackets and a port: [::1]:8080";
      return false;
    }
    host = addr.substr(1, close - 1);
    port_text = addr.substr(close + 2);
  } else {
    const std::size_t colon = addr.find(':');
    if (colon == std::string_view::npos || addr.find(':', colon + 1) != std::string_view::npos) {
      error = addr.find(':') == std::string_view::npos
                  ? "no port: want HOST:PORT"
                  : "an IPv6 address wants brackets: [::1]:8080";
      return false;
    }
    host = addr.substr(0, colon);
    port_text = addr.substr(colon + 1);
  }
  int port = 0;
  const auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty()) {
    error = "no host";
    return false;
  }
  if (ec != std::errc{} || p != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
    error = "the port must be a number from 1 to 65535";
    return false;
  }
  out.host = std::string(host);
  out.port = port;
  out.name = eq == std::string_view::npos ? out.authority() : std::string(text.substr(eq + 1));
  if (out.name.empty()) {
    error = "an empty name after '='";
    return false;
  }
  return true;
}

bool parse_endpoint(std::string_view text, Endpoint& out) {
  std::string error;
  return parse_endpoint(text, out, error);
}

bool is_loopback_host(std::string_view host) {
  if (host.size() == 9 && ::strncasecmp(host.data(), "localhost", 9) == 0) return true;
  const std::string h(host);
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, h.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

std::string guard_message(const Endpoint& ep) {
  if (ep.allow_remote || is_loopback_host(ep.host)) return {};
  return ep.host +
         " is not a loopback address (127.0.0.0/8, ::1, localhost); nothing was sent "
         "(--allow-remote lifts this, for hosts you own)";
}

}  // namespace h1spec
