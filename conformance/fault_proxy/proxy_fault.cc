#include "proxy_fault.h"

#include <array>

namespace h1spec::faulty {

namespace {

struct FaultName {
  std::string_view name;
  ProxyFault fault;
  std::string_view meaning;
};

constexpr std::array<FaultName, static_cast<std::size_t>(ProxyFault::count)> kFaults{{
    {"forward-cl-te", ProxyFault::forward_cl_te,
     "forwards a request with both Content-Length and Transfer-Encoding unchanged"},
    {"bare-lf", ProxyFault::bare_lf,
     "takes a bare LF as a line end (request heads, chunk lines, response heads); passes "
     "a response with one on as it came"},
    {"bare-cr", ProxyFault::bare_cr,
     "takes a bare CR as a line end in a request head and chunk lines, and forwards"},
    {"obs-fold", ProxyFault::obs_fold,
     "accepts obs-fold by dropping the continuation lines, and forwards"},
    {"keep-connection-fields", ProxyFault::keep_connection_fields,
     "keeps the fields that Connection lists (both directions)"},
    {"no-via", ProxyFault::no_via, "adds no Via field (both directions)"},
    {"reuse-after-error", ProxyFault::reuse_after_error,
     "keeps using the back-end connection after an origin framing error"},
    {"pass-204-body", ProxyFault::pass_204_body,
     "relays the body an origin sends after a 204, 304 or HEAD response"},
    {"relay-invalid", ProxyFault::relay_invalid,
     "relays an invalid origin response as it came instead of a 502"},
    {"cut-at-nul", ProxyFault::cut_at_nul,
     "ends a field value or chunk-size line at a NUL (C-string style), and forwards"},
    {"ws-before-colon", ProxyFault::ws_before_colon,
     "takes \"Name : value\" as \"Name: value\", and forwards"},
    {"ignore-max-forwards", ProxyFault::ignore_max_forwards,
     "forwards TRACE and OPTIONS with Max-Forwards: 0 instead of answering them"},
}};

}  // namespace

std::optional<ProxyFault> parse_proxy_fault(std::string_view name) {
  for (const auto& f : kFaults) {
    if (f.name == name) return f.fault;
  }
  return std::nullopt;
}

std::string proxy_fault_help() {
  std::string out;
  for (const auto& f : kFaults) {
    out += "  ";
    out += f.name;
    out.append(f.name.size() < 24 ? 24 - f.name.size() : 1, ' ');
    out += f.meaning;
    out += '\n';
  }
  return out;
}

std::string proxy_fault_names() {
  std::string out;
  for (const auto& f : kFaults) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

}  // namespace h1spec::faulty
