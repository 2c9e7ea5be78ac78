// The look at each proxy before any proxy case runs: does a plain GET sent through it reach
// the recording origin behind it? A proxy configured to forward elsewhere would otherwise turn
// every case into a misleading FAIL (nothing forwarded) or, worse, a PASS of "nothing
// forwarded" cases.
#pragma once

#include <chrono>
#include <string>

#include "origin/recording_origin.h"
#include "wire/endpoint.h"

namespace h1spec {

inline constexpr const char* kProxyPreflightTarget = "/h1spec-preflight";

struct ProxyPreflightResult {
  bool reachable = false;  ///< the proxy accepted a TCP connection
  bool forwarded = false;  ///< the GET was recorded at the origin
  std::string error;       ///< why not, one line without the "h1spec: " prefix
};

// Resets origin, connects to proxy and sends "GET /h1spec-preflight HTTP/1.1" (Host: the
// proxy's authority, Connection: close). Waits up to timeout for the origin to record a request
// for that target; once the proxy has answered or closed, a short grace period more and no
// longer. Resets origin again before returning. The proxy must have passed the loopback guard.
[[nodiscard]] ProxyPreflightResult proxy_preflight(const Endpoint& proxy,
                                                   origin::RecordingOrigin& origin,
                                                   std::chrono::milliseconds timeout);

}  // namespace h1spec
