// The poll model: the step between blocking servers and epoll. One thread keeps every
// socket non-blocking and asks poll(2) which are ready. The descriptor list is rebuilt
// and handed to the kernel on every turn, so each wake-up costs O(connections) however few
// are active: the cost the benchmark shows growing with the connection count.
#include <algorithm>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/connection.h"
#include "io/clock.h"
#include "io/file_cache.h"
#include "io/poller.h"
#include "io/socket.h"
#include "models/driver.h"
#include "models/model.h"
#include "models/serve_loop.h"

namespace h1::models {

namespace {

using std::chrono::milliseconds;

constexpr std::size_t kFixed = 2;  // fds_[0] is the stop descriptor, fds_[1] the listener

class PollLoop {
 public:
  PollLoop(io::unique_fd listener, int stop, const core::Config& config, const ServeEnv& env,
           std::size_t max_connections, std::chrono::milliseconds ttl)
      : listener_(std::move(listener)),
        stop_(stop),
        config_(config),
        env_(env),
        max_connections_(max_connections),
        files_(*env.root, {.ttl = ttl, .max_content = config.inline_body_max}),
        buffers_(config) {}

  void run() {
    for (;;) {
      const core::TimePoint next = rebuild(io::now());
      (void)io::poll_fds(fds_, wait_ms(next, io::now().mono, milliseconds{60'000}));
      const core::Now now = io::now();
      files_.tick(now.mono);
      if (!stopping_ && (fds_[0].revents & POLLIN) != 0) begin_stop(now);
      serve_ready(now);
      if (!stopping_ && (fds_[1].revents & POLLIN) != 0) accept_batch(now);
      if (stopping_ && (conns_.empty() || now.mono >= drain_deadline_)) return;
    }
  }

 private:
  struct Conn {
    Conn(io::unique_fd s, const core::Config& config, core::Files& files, core::Now now,
         core::BufferPool& pool)
        : sock(std::move(s)), conn(config, files, now, &pool) {}
    io::unique_fd sock;
    core::Connection conn;
    short want = 0;
  };

  // The whole descriptor list, from scratch; returns the earliest deadline.
  core::TimePoint rebuild(core::Now now) {
    fds_.clear();
    const bool accepting = listener_ && now.mono >= rest_until_;
    fds_.push_back({stopping_ ? -1 : stop_, POLLIN, 0});
    fds_.push_back({accepting ? listener_.get() : -1, POLLIN, 0});
    core::TimePoint next = stopping_ ? drain_deadline_ : core::TimePoint::max();
    if (listener_ && !accepting) next = std::min(next, rest_until_);
    for (const auto& c : conns_) {
      c->want = readiness_wanted(c->conn);
      fds_.push_back({c->sock.get(), c->want, 0});
      next = std::min(next, c->conn.deadline());
    }
    return next;
  }

  void serve_ready(core::Now now) {
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = *conns_[i];
      const short revents = fds_[kFixed + i].revents;
      const bool due = now.mono >= c.conn.deadline();
      if (revents == 0 && !due) continue;
      if (due) c.conn.on_timer(now);
      const bool ready_in =
          after_wait(c.conn, c.want, (revents & POLLIN) != 0, (revents & (POLLHUP | POLLERR)) != 0);
      if (!c.conn.closed()) drive(c.conn, c.sock.get(), ready_in, now);
    }
    std::erase_if(conns_, [](const auto& c) { return c->conn.closed(); });
  }

  void begin_stop(core::Now now) {
    stopping_ = true;
    drain_deadline_ = now.mono + kDrainLimit;
    listener_.reset();  // new connections are refused by the kernel from now on
    for (auto& c : conns_) {
      c->conn.begin_shutdown(now);
      drive(c->conn, c->sock.get(), false, now);
    }
    std::erase_if(conns_, [](const auto& c) { return c->conn.closed(); });
  }

  void accept_batch(core::Now now) {
    for (int i = 0; i < kAcceptBatch; ++i) {
      io::AcceptResult r = io::accept_connection(listener_.get());
      if (r.status == io::AcceptStatus::would_block) return;
      if (r.status == io::AcceptStatus::retry) continue;
      if (r.status != io::AcceptStatus::ok) {
        if (r.status == io::AcceptStatus::error || !fd_limit_logged_) {
          env_.log(io::errno_message("accept", r.err) + " (pausing accepts)");
        }
        fd_limit_logged_ = fd_limit_logged_ || r.status == io::AcceptStatus::no_fds;
        rest_until_ = now.mono + kFdBackoff;
        return;
      }
      // Over the limit: the peer sees an immediate close rather than waiting.
      if (max_connections_ != 0 && conns_.size() >= max_connections_) continue;
      try {
        conns_.push_back(std::make_unique<Conn>(std::move(r.fd), config_, files_, now, buffers_));
      } catch (const std::bad_alloc&) {
        return;
      }
    }
  }

  io::unique_fd listener_;
  int stop_;
  const core::Config& config_;
  const ServeEnv& env_;
  std::size_t max_connections_;
  // Both before conns_: destroyed after them, once every handle and buffer is back.
  io::FileCache files_;
  core::BufferPool buffers_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<pollfd> fds_;
  bool stopping_ = false;
  bool fd_limit_logged_ = false;
  core::TimePoint rest_until_{};
  core::TimePoint drain_deadline_{};
};

}  // namespace

int run_poll(const ServeOptions& options, const ServeEnv& given_env) {
  return run_until_signal(
      options, given_env,
      [&](io::unique_fd listener, int stop, const core::Config& config, const ServeEnv& env) {
        PollLoop(std::move(listener), stop, config, env, options.max_connections, options.cache_ttl)
            .run();
      });
}

}  // namespace h1::models
