// What the blocking, threads and fork models share: each serves one connection at a time
// on its thread (or process), waiting on that socket alone, and learns of a stop through a
// descriptor that turns readable and stays so.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "core/config.h"
#include "core/files.h"
#include "io/unique_fd.h"
#include "models/model.h"

namespace h1::models {

// Serves one accepted connection to its end on the calling thread with poll(2). Once
// `stop` turns readable, the response in flight is finished and the connection closed, or
// dropped at kDrainLimit.
void serve_connection(io::unique_fd sock, const core::Config& config, core::Files& files,
                      int stop) noexcept;

// Accepts connections one at a time from a listener, giving up when `stop` turns readable.
class Acceptor {
 public:
  Acceptor(int listener, int stop, std::function<void(std::string_view)> log) noexcept
      : listener_(listener), stop_(stop), log_(std::move(log)) {}

  // Waits for the next connection; nullopt once `stop` is readable. Running out of
  // descriptors is logged once and backed off, never spun on.
  [[nodiscard]] std::optional<io::unique_fd> next() noexcept;

 private:
  int listener_;
  int stop_;
  std::function<void(std::string_view)> log_;
  bool fd_limit_logged_ = false;
};

// Waits until fd or `stop` is readable, or timeout passes; true when fd is readable and
// `stop` is not.
[[nodiscard]] bool wait_readable(int fd, int stop, std::chrono::milliseconds timeout) noexcept;

// The frame of the single-loop models: binds one listener, runs loop(listener, stop) on a
// thread of its own, and turns SIGINT or SIGTERM into `stop` turning readable. Returns the
// exit status for run_<model>.
// `env` is the caller's, with a log that is always callable.
using LoopBody = std::function<void(io::unique_fd listener, int stop, const core::Config& config,
                                    const ServeEnv& env)>;
[[nodiscard]] int run_until_signal(const ServeOptions& options, const ServeEnv& env,
                                   const LoopBody& loop);

}  // namespace h1::models
