// The threads model: a thread per connection, each running the blocking loop on its own
// socket. Threads are capped (--max-connections, default 1024): at the cap the acceptor
// stops accepting, and new clients wait in the listen backlog until a thread ends.
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "io/poller.h"
#include "models/model.h"
#include "models/serve_loop.h"

namespace h1::models {

namespace {

constexpr std::size_t kDefaultThreadCap = 1024;

// The live connection threads: a count under a mutex, and an eventfd the acceptor can
// poll next to its stop descriptor to learn that a slot came free.
class Slots {
 public:
  explicit Slots(io::EventFd freed) noexcept : freed_(std::move(freed)) {}

  [[nodiscard]] std::size_t live() {
    const std::lock_guard lock(mutex_);
    return live_;
  }
  void take() {
    const std::lock_guard lock(mutex_);
    ++live_;
  }
  // Called by a connection thread as its very last act: nothing of it may touch *this
  // afterwards, because the acceptor may then return and destroy it. The count drops before
  // the eventfd fires (an acceptor woken first would still see the old count, drain the
  // wake-up and sleep through the free slot), and both happen under the lock, which
  // wait_all_done() needs before it can return.
  void give_back() {
    const std::lock_guard lock(mutex_);
    --live_;
    freed_.notify();
    all_done_.notify_all();
  }
  void wait_all_done() {
    std::unique_lock lock(mutex_);
    all_done_.wait(lock, [this] { return live_ == 0; });
  }
  [[nodiscard]] int freed_fd() const noexcept { return freed_.get(); }
  void clear_freed() noexcept { freed_.drain(); }

 private:
  io::EventFd freed_;
  std::mutex mutex_;
  std::condition_variable all_done_;
  std::size_t live_ = 0;
};

}  // namespace

int run_threads(const ServeOptions& options, const ServeEnv& given_env) {
  auto freed = io::EventFd::create();
  if (!freed) {
    if (given_env.log) given_env.log(freed.error);
    return 1;
  }
  Slots slots(std::move(*freed.value));
  const std::size_t cap =
      options.max_connections != 0 ? options.max_connections : kDefaultThreadCap;
  return run_until_signal(
      options, given_env,
      [&](io::unique_fd listener, int stop, const core::Config& config, const ServeEnv& env) {
        Acceptor acceptor(listener.get(), stop, env.log);
        for (;;) {
          slots.clear_freed();
          if (slots.live() >= cap) {
            // At the cap: wait for a thread to end (or the stop), not for the listener.
            if (!wait_readable(slots.freed_fd(), stop, std::chrono::milliseconds{-1})) break;
            continue;
          }
          std::optional<io::unique_fd> sock = acceptor.next();
          if (!sock) break;
          slots.take();
          try {
            std::thread([&slots, &config, &env, stop, s = std::move(*sock)]() mutable {
              serve_connection(std::move(s), config, *env.root, stop);
              slots.give_back();
            }).detach();
          } catch (const std::system_error& e) {
            slots.give_back();  // the socket closes with the failed lambda
            env.log(std::string("cannot start a connection thread: ") + e.what());
          }
        }
        // Connection threads use config, env and stop: all must end before this returns.
        slots.wait_all_done();
      });
}

}  // namespace h1::models
