// The blocking model: the first server every tutorial writes. One connection at a time:
// accept, serve it until it closes, then accept the next. While one client keeps its
// connection alive, every other client waits in the listen backlog; the benchmark shows
// what that costs.
#include "models/model.h"
#include "models/serve_loop.h"

namespace h1::models {

int run_blocking(const ServeOptions& options, const ServeEnv& given_env) {
  return run_until_signal(
      options, given_env,
      [&](io::unique_fd listener, int stop, const core::Config& config, const ServeEnv& env) {
        Acceptor acceptor(listener.get(), stop, env.log);
        while (std::optional<io::unique_fd> sock = acceptor.next()) {
          serve_connection(std::move(*sock), config, *env.root, stop);
        }
      });
}

}  // namespace h1::models
