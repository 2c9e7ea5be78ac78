// One client connection of h1fault's proxy role (--role proxy): a strict HTTP/1.1 reverse
// proxy with one back-end connection per client connection, one exchange at a time, so an
// answer can never be taken for a later request's. The pure rules are in proxy_rewrite.h;
// the faults (--proxy-fault) in proxy_fault.h.
#pragma once

#include <atomic>

#include "faulty_net.h"
#include "proxy_fault.h"

namespace h1spec::faulty {

struct ProxyConfig {
  ProxyFaults faults;
  Endpoint upstream;
};

// Serves `client` until it closes, an exchange ends the connection, or `stop` is set; both
// sockets are closed on return.
void proxy_connection(Fd client, const ProxyConfig& config, const std::atomic<bool>& stop);

}  // namespace h1spec::faulty
