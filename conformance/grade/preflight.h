// One look at each target before any case runs: can h1spec connect at all, and does the
// target answer a plain GET? A target that cannot be reached stops the run with one line
// instead of one ERROR per case; one that answers nothing is suspicious, since a server that
// closes every connection at once "passes" the cases whose outcome is a close.
#pragma once

#include <chrono>
#include <string>

#include "wire/endpoint.h"

namespace h1spec {

struct PreflightResult {
  bool reachable = false;  ///< a TCP connection was accepted
  std::string error;       ///< why not, when !reachable
  std::string warning;     ///< set when the target answered a plain GET with no response
};

// Connects to target and sends "GET / HTTP/1.1" with Connection: close; waits up to timeout
// for the first bytes of an answer. The target must have passed the loopback guard.
[[nodiscard]] PreflightResult preflight(const Endpoint& target, std::chrono::milliseconds timeout);

}  // namespace h1spec
