// One client connection of h1fault: relayed to a fresh upstream connection with poll(2),
// with the chosen fault applied on the way.
#pragma once

#include <atomic>
#include <string>

#include "faulty_fault.h"
#include "faulty_net.h"

namespace h1spec::faulty {

// What every relayed connection shares: the fault, the upstream, the traversal root.
struct RelayConfig {
  Fault fault = Fault::none;
  Endpoint upstream;
  std::string root;
};

// Relays `client` until both directions are finished, either side fails, or `stop` is set;
// both sockets are closed on return.
void relay_connection(Fd client, const RelayConfig& config, const std::atomic<bool>& stop);

}  // namespace h1spec::faulty
