// Capability discovery: before grading, each target is probed for the optional features
// some cases depend on (a case's `needs=`). A target without one gets N/A for those cases
// instead of a FAIL, since the RFC lets it leave the feature out.
#pragma once

#include <array>
#include <chrono>
#include <string>

#include "spec/case_file.h"
#include "wire/wire_connection.h"

namespace h1spec {

struct Capabilities {
  // Indexed by Capability. Present unless a probe showed otherwise: a probe that gets no
  // answer at all proves nothing, and the cases then run (and fail) as usual.
  std::array<bool, 3> present{true, true, true};
  std::array<std::string, 3> evidence;  ///< what the probe saw, for reports

  [[nodiscard]] bool has(Capability c) const { return present[static_cast<std::size_t>(c)]; }
  [[nodiscard]] const std::string& why(Capability c) const {
    return evidence[static_cast<std::size_t>(c)];
  }
};

// Probes target with well-formed requests for /index.html, one connection each:
//   range       GET with "Range: bytes=0-0" answered 206;
//   options     OPTIONS answered 2xx;
//   validators  GET answered with Last-Modified ("A recipient MUST ignore the
//               If-Modified-Since header field if the resource does not have a modification
//               date available", RFC 9110 §13.1.3).
[[nodiscard]] Capabilities probe_capabilities(const Endpoint& target,
                                              std::chrono::milliseconds timeout);

}  // namespace h1spec
