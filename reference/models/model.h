// What every concurrency model shares: the server options, the environment the
// executable hands over, and the entry point of each model.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "io/docroot.h"
#include "io/setup_result.h"
#include "io/unique_fd.h"

namespace h1::models {

// Every option of the h1ref command line (see DESIGN.md), already validated.
struct ServeOptions {
  std::string root = "html";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string model = "epoll";
  unsigned workers = 1;             ///< event loops (epoll); >= 1
  std::size_t max_connections = 0;  ///< process-wide open connections; 0: no limit
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds cache_ttl{1'000};  ///< open-file cache of the event loops; 0: off
  std::string access_log;                      ///< empty: none; "-": stdout
  bool quiet = false;                          ///< no informational output
  bool help = false;                           ///< print usage and exit
  bool version = false;                        ///< print the version and exit
};

// What the executable provides to a model. The documents must come from a DocRoot:
// models send files with sendfile, so handles have to be real descriptors.
struct ServeEnv {
  io::DocRoot* root = nullptr;
  core::AccessLog* access_log = nullptr;
  // Called once, after every listener is bound, with the port they all share.
  std::function<void(std::uint16_t port)> on_listening;
  // One line of diagnostics, without newline; may be called from any thread. Models
  // send errors always and informational lines only when options.quiet is false.
  std::function<void(std::string_view line)> log;
};

// The connection policy for these options.
[[nodiscard]] core::Config make_config(const ServeOptions& options, core::AccessLog* log);

// Binds `count` listeners on options.host:options.port. With port 0 the first one picks
// the port and the others join it; with count > 1 all of them set SO_REUSEPORT.
io::SetupResult<std::vector<io::unique_fd>> bind_listeners(const ServeOptions& options,
                                                           unsigned count);

// How long a stopping server waits for the responses in flight before dropping them.
inline constexpr std::chrono::milliseconds kDrainLimit{10'000};
// Timer resolution of the event loops: deadlines are checked by a scan at most this often,
// so a scan costs O(connections) per period however busy the loop is.
inline constexpr std::chrono::milliseconds kScanPeriod{250};
// How long accepting rests after running out of descriptors (or a failed fork), so that
// accept does not spin while the backlog stays readable.
inline constexpr std::chrono::milliseconds kFdBackoff{100};
// Connections accepted per listener wake-up by the poll and coroutine loops, so that
// established ones are served too (the epoll loop takes one per wake-up).
inline constexpr int kAcceptBatch = 64;
// Readiness events taken from the kernel per wait.
inline constexpr std::size_t kEventBatch = 128;

// A model's entry point: blocks until SIGINT or SIGTERM, drains, and returns the exit
// status (0 after a graceful stop, 1 if setup failed).
using RunModel = int (*)(const ServeOptions& options, const ServeEnv& env);

struct ModelInfo {
  std::string_view name;
  std::string_view summary;  ///< one line for --help
  RunModel run;
};

// Every model h1ref offers, the default (epoll) first.
[[nodiscard]] std::span<const ModelInfo> all_models() noexcept;
// The model called name, or nullptr.
[[nodiscard]] const ModelInfo* find_model(std::string_view name) noexcept;

// The epoll model: options.workers threads, each with its own SO_REUSEPORT listener and
// epoll loop. Blocks until SIGINT or SIGTERM, drains, and returns the exit status
// (0 after a graceful stop, 1 if setup failed).
[[nodiscard]] int run_epoll(const ServeOptions& options, const ServeEnv& env);
// One connection at a time: accept, serve it until it closes, accept the next.
[[nodiscard]] int run_blocking(const ServeOptions& options, const ServeEnv& env);
// A process per connection, at most max_connections (default 1024) at once.
[[nodiscard]] int run_fork(const ServeOptions& options, const ServeEnv& env);
// A thread per connection, at most max_connections (default 1024) at once.
[[nodiscard]] int run_threads(const ServeOptions& options, const ServeEnv& env);
// A C++20 coroutine per connection, all on one epoll loop.
[[nodiscard]] int run_coroutine(const ServeOptions& options, const ServeEnv& env);
// One poll(2) loop that rebuilds its descriptor list on every turn.
[[nodiscard]] int run_poll(const ServeOptions& options, const ServeEnv& env);

}  // namespace h1::models
