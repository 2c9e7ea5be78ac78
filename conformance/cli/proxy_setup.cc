#include "cli/proxy_setup.h"

#include <algorithm>
#include <iostream>

#include "grade/proxy_preflight.h"

namespace h1spec {

namespace {

using namespace std::chrono_literals;

// A proxy may open its back-end connection lazily and slowly; the preflight waits at least
// this long for the forward, whatever --timeout says.
constexpr std::chrono::milliseconds kMinPreflight = 5s;

std::string not_loopback(const std::string& host) {
  return host +
         " is not a loopback address (127.0.0.0/8, ::1, localhost); nothing was sent (the "
         "recording origin listens on 127.0.0.1, so --allow-remote does not apply here)";
}

}  // namespace

bool parse_proxies(const CliOptions& cli, RunOptions& opts) {
  if (cli.proxies.empty()) {
    if (!cli.origin_ports.empty() || !cli.origin_backend.empty()) {
      std::cerr << "h1spec: --origin-port and --origin-backend need --proxy HOST:PORT\n";
      return false;
    }
    return true;
  }
  if (!cli.targets.empty()) {
    std::cerr << "h1spec: give --target or --proxy, not both (a run grades servers or proxies)\n";
    return false;
  }
  if (cli.proxies.size() != cli.origin_ports.size()) {
    std::cerr << "h1spec: " << cli.proxies.size() << " --proxy but " << cli.origin_ports.size()
              << " --origin-port: give one --origin-port per --proxy, in the same order\n";
    return false;
  }
  for (std::size_t k = 0; k < cli.proxies.size(); ++k) {
    const std::string& p = cli.proxies[k];
    Endpoint ep;
    std::string why;
    if (!parse_endpoint(p, ep, why)) {
      std::cerr << "h1spec: bad --proxy \"" << p << "\": " << why << " (want HOST:PORT[=NAME])\n";
      return false;
    }
    // The origin behind it listens on 127.0.0.1, so only a proxy on this host can reach it:
    // the loopback guard holds for proxies even with --allow-remote.
    if (!is_loopback_host(ep.host)) {
      std::cerr << "h1spec: --proxy " << p << " refused: " << not_loopback(ep.host) << "\n";
      return false;
    }
    const int port = cli.origin_ports[k];
    if (port < 1 || port > 65535) {
      std::cerr << "h1spec: --origin-port " << port << " is not a port (1-65535)\n";
      return false;
    }
    if (std::count(cli.origin_ports.begin(), cli.origin_ports.end(), port) > 1) {
      std::cerr << "h1spec: --origin-port " << port << " is given twice: each proxy needs its own "
                << "origin\n";
      return false;
    }
    opts.targets.push_back(ep);
  }
  if (!cli.origin_backend.empty()) {
    Endpoint be;
    std::string why;
    if (parse_endpoint(cli.origin_backend, be, why)) {
      why = is_loopback_host(be.host) ? "" : not_loopback(be.host);
    }
    if (!why.empty()) {
      std::cerr << "h1spec: --origin-backend " << cli.origin_backend << " refused: " << why << "\n";
      return false;
    }
  }
  return true;
}

void drop_ungradable(const CliOptions& cli, std::vector<const Case*>& chosen) {
  const bool proxy_run = !cli.proxies.empty();
  const auto ungradable = [&](const Case* c) {
    return proxy_run ? !c->has_tag("proxy") && cli.origin_backend.empty() : c->has_tag("proxy");
  };
  const auto left_out =
      static_cast<std::size_t>(std::count_if(chosen.begin(), chosen.end(), ungradable));
  if (left_out == 0) return;
  std::erase_if(chosen, ungradable);
  if (proxy_run) {
    std::printf(
        "h1spec: %zu origin cases not run: through a proxy they need --origin-backend "
        "HOST:PORT, a server (such as h1ref) for the recording origin to relay them to\n",
        left_out);
  } else {
    std::printf(
        "h1spec: %zu proxy cases not run: they grade a reverse proxy and need --proxy HOST:PORT "
        "--origin-port N (h1spec --list --tag proxy lists them)\n",
        left_out);
  }
  std::fflush(stdout);
}

bool start_origins(const CliOptions& cli, RunOptions& opts, ProxyOrigins& out) {
  // The probes ask for what only origin cases need (range, OPTIONS, validators).
  opts.probe = !cli.origin_backend.empty();
  for (const int port : cli.origin_ports) {
    origin::Options o;
    o.port = port;
    o.docroot = cli.docroot;
    if (!cli.origin_backend.empty()) {
      Endpoint be;
      if (!parse_endpoint(cli.origin_backend, be)) return false;  // checked by parse_proxies
      o.relay_host = be.connect_host();
      o.relay_port = be.port;
    }
    auto origin = std::make_unique<origin::RecordingOrigin>(o);
    std::string error;
    if (!origin->start(error)) {
      std::cerr << "h1spec: the recording origin cannot use --origin-port " << port << ": " << error
                << "\n";
      return false;
    }
    // Until the first case, what reaches the origin (the capability probes, the preflight) goes
    // to the back end when there is one, so the probes judge the server the origin cases see.
    origin->set_script(origin::Script{{}, !cli.origin_backend.empty()});
    opts.origins.push_back(origin.get());
    out.origins.push_back(std::move(origin));
  }
  return true;
}

bool preflight_proxies(const RunOptions& opts) {
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    const Endpoint& proxy = opts.targets[t];
    const ProxyPreflightResult r =
        proxy_preflight(proxy, *opts.origins[t], std::max(opts.timeout, kMinPreflight));
    if (!r.reachable) {
      std::cerr << "h1spec: " << r.error
                << (proxy.name == proxy.authority() ? "" : " (proxy " + proxy.name + ")")
                << "; is the proxy running? No case was run.\n";
      return false;
    }
    if (!r.forwarded) {
      std::cerr << "h1spec: " << r.error << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace h1spec
