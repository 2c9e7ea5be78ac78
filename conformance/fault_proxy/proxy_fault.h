// The faults of h1fault's proxy role (--role proxy --proxy-fault NAME): each one is a classic
// defect of a reverse proxy, switched on alone or with others. With none, the proxy is strict
// and correct (RFC 9110, RFC 9112), so the proxy cases must pass; with each one, at least one
// proxy case must fail. Never part of h1ref.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace h1spec::faulty {

enum class ProxyFault : std::uint8_t {
  forward_cl_te,           ///< a request with CL and TE is forwarded, both fields and raw body
  bare_lf,                 ///< a bare LF ends a line (head and chunk lines); forwarded as read
  bare_cr,                 ///< a bare CR ends a line (head and chunk lines); forwarded as read
  obs_fold,                ///< obs-fold is accepted by dropping the continuation lines
  keep_connection_fields,  ///< fields that Connection lists are kept (Connection goes)
  no_via,                  ///< no Via is added, in either direction
  reuse_after_error,       ///< the back-end connection (and the client's) live on after an
                           ///< origin framing error
  pass_204_body,           ///< the body after a 204, 304 or HEAD response head is relayed
  relay_invalid,           ///< an invalid origin response is relayed as it came, not as 502
  cut_at_nul,              ///< a NUL ends a field value or chunk-size line, C-string style
  ws_before_colon,         ///< "Name : value" is accepted as "Name: value"
  ignore_max_forwards,     ///< TRACE/OPTIONS with Max-Forwards: 0 are forwarded unchanged
  count,
};

// The set of faults switched on; empty is the correct proxy.
class ProxyFaults {
 public:
  void set(ProxyFault f) { bits_.set(static_cast<std::size_t>(f)); }
  [[nodiscard]] bool has(ProxyFault f) const { return bits_.test(static_cast<std::size_t>(f)); }
  [[nodiscard]] bool none() const { return bits_.none(); }
  // True when a fault accepts request heads the strict reader rejects.
  [[nodiscard]] bool lenient() const {
    return has(ProxyFault::forward_cl_te) || has(ProxyFault::bare_lf) || has(ProxyFault::bare_cr) ||
           has(ProxyFault::obs_fold) || has(ProxyFault::cut_at_nul) ||
           has(ProxyFault::ws_before_colon);
  }

 private:
  std::bitset<static_cast<std::size_t>(ProxyFault::count)> bits_;
};

// The fault named on the command line (e.g. "forward-cl-te"), or nullopt.
[[nodiscard]] std::optional<ProxyFault> parse_proxy_fault(std::string_view name);

// Every proxy fault name with its one-line meaning, one per line, for --help.
[[nodiscard]] std::string proxy_fault_help();

// All proxy fault names, comma-separated, for error messages.
[[nodiscard]] std::string proxy_fault_names();

}  // namespace h1spec::faulty
