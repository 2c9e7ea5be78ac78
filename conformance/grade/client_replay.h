// Well-formed cases (transport=client) sent through cpp-httplib, a real HTTP client.
#pragma once

#include "grade/runner.h"

namespace h1spec {

// Sends the case's request with cpp-httplib and judges the single response.
[[nodiscard]] ReplayRecord replay_client(const Case& c, const Endpoint& target,
                                         const RunOptions& opts, ExpectedFiles& files);

}  // namespace h1spec
