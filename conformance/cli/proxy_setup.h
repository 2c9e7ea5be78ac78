// h1spec --proxy: the proxies to grade, the recording origin behind each, and the checks before
// any case (conformance/README.md, "Proxy cases"; docs/proxies.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/suite_command.h"
#include "grade/runner.h"

namespace h1spec {

// The recording origins of a proxy run, one per --proxy, in order; stopped on destruction.
struct ProxyOrigins {
  std::vector<std::unique_ptr<origin::RecordingOrigin>> origins;
};

// Parses --proxy (each HOST:PORT[=NAME], loopback only, --allow-remote or not) into
// opts.targets and checks it pairs with --origin-port; prints one line and returns false on
// bad input. No traffic.
[[nodiscard]] bool parse_proxies(const CliOptions& cli, RunOptions& opts);

// Leaves out the cases this run cannot grade, with one line each saying how many and why:
// without --proxy the proxy cases; with it, the origin cases unless --origin-backend is given.
void drop_ungradable(const CliOptions& cli, std::vector<const Case*>& chosen);

// Starts one recording origin per proxy on 127.0.0.1:<its --origin-port>, serving docroot past
// each case's script (relaying to --origin-backend instead when given), and fills
// opts.origins. A port that cannot be bound: one line naming it, false. The capability probes
// run (through the proxy, to the back end) only with --origin-backend.
[[nodiscard]] bool start_origins(const CliOptions& cli, RunOptions& opts, ProxyOrigins& out);

// The proxy preflight for each proxy (grade/proxy_preflight.h): one line and false for the
// first that is not listening or does not forward to its origin.
[[nodiscard]] bool preflight_proxies(const RunOptions& opts);

}  // namespace h1spec
