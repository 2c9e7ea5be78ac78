#include "models/serve_loop.h"

#include <array>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "core/connection.h"
#include "io/clock.h"
#include "io/poller.h"
#include "io/signals.h"
#include "io/socket.h"
#include "models/driver.h"

namespace h1::models {

namespace {

using std::chrono::milliseconds;

bool readable(const pollfd& p) noexcept { return (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0; }

const char* signal_name(int signo) noexcept { return signo == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace

void serve_connection(io::unique_fd sock, const core::Config& config, core::Files& files,
                      int stop) noexcept {
  std::optional<core::Connection> conn;
  try {
    conn.emplace(config, files, io::now());
  } catch (const std::bad_alloc&) {
    return;  // the socket closes: the peer sees a reset rather than a hang
  }
  core::Now now = io::now();
  core::TimePoint drain_deadline = core::TimePoint::max();
  bool ready_in = true;  // a fresh connection usually has its request waiting already
  for (;;) {
    drive(*conn, sock.get(), ready_in, now);
    if (conn->closed()) return;
    const short want = readiness_wanted(*conn);
    const bool stopping = drain_deadline != core::TimePoint::max();
    std::array<pollfd, 2> fds{{{sock.get(), want, 0}, {stopping ? -1 : stop, POLLIN, 0}}};
    const core::TimePoint until = std::min(conn->deadline(), drain_deadline);
    (void)io::poll_fds(fds, wait_ms(until, now.mono, milliseconds{60'000}));
    now = io::now();
    if (!stopping && readable(fds[1])) {
      drain_deadline = now.mono + kDrainLimit;
      conn->begin_shutdown(now);
    }
    if (now.mono >= drain_deadline) return;  // dropped: the drain limit is over
    if (now.mono >= conn->deadline()) conn->on_timer(now);
    ready_in = after_wait(*conn, want, (fds[0].revents & POLLIN) != 0,
                          (fds[0].revents & (POLLHUP | POLLERR)) != 0);
  }
}

bool wait_readable(int fd, int stop, milliseconds timeout) noexcept {
  std::array<pollfd, 2> fds{{{fd, POLLIN, 0}, {stop, POLLIN, 0}}};
  (void)io::poll_fds(fds, static_cast<int>(timeout.count()));
  return !readable(fds[1]) && readable(fds[0]);
}

std::optional<io::unique_fd> Acceptor::next() noexcept {
  for (;;) {
    if (!wait_readable(listener_, stop_, milliseconds{-1})) {
      if (wait_readable(stop_, -1, milliseconds{0})) return std::nullopt;
      continue;
    }
    io::AcceptResult r = io::accept_connection(listener_);
    switch (r.status) {
      case io::AcceptStatus::ok:
        return std::move(r.fd);
      case io::AcceptStatus::retry:
      case io::AcceptStatus::would_block:
        continue;
      case io::AcceptStatus::no_fds:
        if (!fd_limit_logged_) log_(io::errno_message("accept", r.err) + " (pausing accepts)");
        fd_limit_logged_ = true;
        break;
      case io::AcceptStatus::error:
        log_(io::errno_message("accept", r.err));
        break;
    }
    // Rest, but wake for a stop at once.
    if (wait_readable(stop_, -1, kFdBackoff)) return std::nullopt;
  }
}

int run_until_signal(const ServeOptions& options, const ServeEnv& given_env, const LoopBody& loop) {
  ServeEnv env = given_env;
  if (!env.log) env.log = [](std::string_view) {};
  io::ignore_sigpipe();
  // Before the loop thread exists, so that it inherits the mask and only sigwait below
  // takes the stop signals.
  const sigset_t stop_signals = io::block_stop_signals();
  auto listeners = bind_listeners(options, 1);
  if (!listeners) {
    env.log(listeners.error);
    return 1;
  }
  io::unique_fd listener = std::move(listeners.value->front());
  const std::uint16_t port = io::bound_port(listener.get()).value_or(options.port);
  auto stop = io::EventFd::create();
  if (!stop) {
    env.log(stop.error);
    return 1;
  }
  const core::Config config = make_config(options, env.access_log);
  std::thread thread;
  try {
    thread = std::thread([&] { loop(std::move(listener), stop.value->get(), config, env); });
  } catch (const std::system_error& e) {
    env.log(std::string("cannot start the server thread: ") + e.what());
    return 1;
  }
  if (env.on_listening) env.on_listening(port);
  const int signo = io::wait_for_signal(stop_signals);
  if (!options.quiet) env.log(std::string(signal_name(signo)) + " received, draining");
  stop.value->notify();  // never drained: every waiter sees it readable from now on
  thread.join();
  return 0;
}

}  // namespace h1::models
