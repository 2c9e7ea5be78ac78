#include "models/model.h"

#include "io/socket.h"

namespace h1::models {

namespace {

// Deep enough that a burst of connects is not refused while workers are busy; the
// kernel caps it at net.core.somaxconn anyway.
constexpr int kBacklog = 1024;

}  // namespace

namespace {

constexpr ModelInfo kModels[] = {
    {"epoll", "non-blocking epoll loops, one per worker, sharing the port (SO_REUSEPORT)",
     run_epoll},
    {"poll", "one poll(2) loop over every socket, rebuilt on each turn (O(n) per wake-up)",
     run_poll},
    {"coroutine", "a C++20 coroutine per connection on one epoll loop", run_coroutine},
    {"threads", "a thread per connection (at most --max-connections, default 1024)", run_threads},
    {"fork", "a process per connection (at most --max-connections, default 1024)", run_fork},
    {"blocking", "one connection at a time: accept, serve it to the end, accept the next",
     run_blocking},
};

}  // namespace

std::span<const ModelInfo> all_models() noexcept { return kModels; }

const ModelInfo* find_model(std::string_view name) noexcept {
  for (const ModelInfo& m : kModels) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

core::Config make_config(const ServeOptions& options, core::AccessLog* log) {
  core::Config config;
  config.idle_timeout = options.idle_timeout;
  config.header_timeout = options.header_timeout;
  config.access_log = log;
  return config;
}

io::SetupResult<std::vector<io::unique_fd>> bind_listeners(const ServeOptions& options,
                                                           unsigned count) {
  using Result = io::SetupResult<std::vector<io::unique_fd>>;
  // With SO_REUSEPORT a second server started by the same user on the same port would
  // join this group silently and take part of the traffic instead of failing with
  // EADDRINUSE. So: set it only when several workers need it, and for a fixed port
  // first check that a plain socket could bind there (the window until the group binds
  // is a few syscalls long).
  const bool reuseport = count > 1;
  if (reuseport && options.port != 0) {
    auto free = io::check_port_free(options.host, options.port);
    if (!free) return Result::fail(free.error);
  }
  std::vector<io::unique_fd> listeners;
  std::uint16_t port = options.port;
  for (unsigned i = 0; i < count; ++i) {
    auto fd = io::listen_tcp(options.host, port, reuseport, kBacklog);
    if (!fd) return Result::fail(fd.error);
    if (i == 0) {
      const auto actual = io::bound_port(fd.value->get());
      if (!actual) return Result::fail("cannot read the bound port");
      port = *actual;
    }
    listeners.push_back(std::move(*fd.value));
  }
  return Result::ok(std::move(listeners));
}

}  // namespace h1::models
