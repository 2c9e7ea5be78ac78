// Where h1spec sends bytes, and the loopback guard: by default every target must be a
// loopback address written literally (127.0.0.0/8, ::1, or "localhost"), checked before any
// name resolution or socket, so a typo can never send smuggling-shaped requests elsewhere.
#pragma once

#include <string>
#include <string_view>

namespace h1spec {

struct Endpoint {
  std::string host;  ///< as given, without IPv6 brackets: "127.0.0.1", "::1", …
  int port = 0;
  std::string name;           ///< label in reports
  bool allow_remote = false;  ///< set only by --allow-remote: lifts the loopback guard
  // host:port as it goes into a Host field and messages; IPv6 hosts in brackets.
  [[nodiscard]] std::string authority() const;
  // The host to connect to: "localhost" is 127.0.0.1, so that no resolver is ever asked.
  [[nodiscard]] std::string connect_host() const;
};

// Parses "HOST:PORT[=NAME]" or "[IPV6]:PORT[=NAME]"; false with error set on bad syntax.
[[nodiscard]] bool parse_endpoint(std::string_view text, Endpoint& out, std::string& error);
[[nodiscard]] bool parse_endpoint(std::string_view text, Endpoint& out);

// True for a literal loopback address: 127.0.0.0/8 in dotted quad, ::1 (also written in
// full, or as ::ffff:127.x.x.x), or "localhost" in any case. Nothing is resolved.
[[nodiscard]] bool is_loopback_host(std::string_view host);

// The loopback guard: empty when ep may be sent to, else a one-line reason naming it.
[[nodiscard]] std::string guard_message(const Endpoint& ep);

}  // namespace h1spec
