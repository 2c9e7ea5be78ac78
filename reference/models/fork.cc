// The fork model: a process per connection, the classic Unix server. The parent only
// accepts, forks and reaps; each child serves its one connection and exits. The parent
// closes its copy of every accepted socket at once (or the client would never see the
// close), the child closes its copy of the listener, and every child is reaped as soon as
// SIGCHLD arrives, so no zombie is left behind. At most --max-connections children
// (default 1024) run at once; beyond that, clients wait in the listen backlog.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/connection.h"
#include "io/clock.h"
#include "io/poller.h"
#include "io/process.h"
#include "io/signals.h"
#include "io/socket.h"
#include "models/driver.h"
#include "models/model.h"
#include "models/serve_loop.h"

namespace h1::models {

namespace {

using std::chrono::milliseconds;

constexpr std::size_t kDefaultProcessCap = 1024;
// After the drain limit, children still running get SIGKILL, and this long to be reaped.
constexpr milliseconds kKillGrace{2'000};

class Parent {
 public:
  Parent(const ServeOptions& options, const ServeEnv& env, io::unique_fd listener,
         io::unique_fd signals)
      : options_(options),
        env_(env),
        config_(make_config(options, env.access_log)),
        listener_(std::move(listener)),
        signals_(std::move(signals)),
        cap_(options.max_connections != 0 ? options.max_connections : kDefaultProcessCap) {}

  void run() {
    for (;;) {
      const bool accepting = listener_ && children_.size() < cap_ && now().mono >= rest_until_;
      std::array<pollfd, 2> fds{
          {{signals_.get(), POLLIN, 0}, {accepting ? listener_.get() : -1, POLLIN, 0}}};
      (void)io::poll_fds(fds, wait_ms(next_wake(), now().mono, milliseconds{60'000}));
      take_signals();
      reap();
      if (stopping_ && (children_.empty() || past_kill_grace())) return;
      if (stopping_) enforce_drain_limit();
      if (accepting && (fds[1].revents & POLLIN) != 0) accept_one();
    }
  }

 private:
  static core::Now now() noexcept { return io::now(); }

  core::TimePoint next_wake() const noexcept {
    if (stopping_) return killed_ ? kill_deadline_ : drain_deadline_;
    if (rest_until_ > now().mono) return rest_until_;
    return core::TimePoint::max();
  }

  void take_signals() {
    while (const int signo = io::read_signal(signals_.get())) {
      if (signo == SIGCHLD || stopping_) continue;
      if (!options_.quiet) {
        env_.log(std::string(signo == SIGINT ? "SIGINT" : "SIGTERM") + " received, draining " +
                 std::to_string(children_.size()) + " connection(s)");
      }
      stopping_ = true;
      listener_.reset();  // new connections are refused by the kernel from now on
      drain_deadline_ = now().mono + kDrainLimit;
      for (const pid_t pid : children_) (void)io::signal_process(pid, SIGTERM);
    }
  }

  void reap() {
    while (const pid_t pid = io::reap_exited_child()) std::erase(children_, pid);
  }

  [[nodiscard]] bool past_kill_grace() const noexcept {
    return killed_ && now().mono >= kill_deadline_;
  }

  void enforce_drain_limit() {
    if (killed_ || now().mono < drain_deadline_) return;
    for (const pid_t pid : children_) (void)io::signal_process(pid, SIGKILL);
    killed_ = true;
    kill_deadline_ = now().mono + kKillGrace;
  }

  void accept_one() {
    io::AcceptResult r = io::accept_connection(listener_.get());
    if (r.status == io::AcceptStatus::no_fds || r.status == io::AcceptStatus::error) {
      if (!fd_limit_logged_ || r.status == io::AcceptStatus::error) {
        env_.log(io::errno_message("accept", r.err) + " (pausing accepts)");
      }
      fd_limit_logged_ = fd_limit_logged_ || r.status == io::AcceptStatus::no_fds;
      rest_until_ = now().mono + kFdBackoff;
      return;
    }
    if (r.status != io::AcceptStatus::ok) return;
    const pid_t pid = io::fork_process();
    if (pid == 0) serve_in_child(std::move(r.fd));  // never returns
    if (pid < 0) {
      env_.log(io::errno_message("fork", errno) + " (dropping the connection)");
      rest_until_ = now().mono + kFdBackoff;
      return;
    }
    children_.push_back(pid);
    // r.fd, the parent's copy of the socket, closes here.
  }

  [[noreturn]] void serve_in_child(io::unique_fd sock) {
    listener_.reset();  // the child's copies of the parent's descriptors
    signals_.reset();
    // SIGINT and SIGTERM are still blocked (the mask is inherited), so a signalfd of the
    // child's own sees a stop sent to it; without one, the child just finishes.
    auto stop = io::signal_fd(io::block_stop_signals());
    serve_connection(std::move(sock), config_, *env_.root, stop ? stop.value->get() : -1);
    io::exit_child(0);
  }

  const ServeOptions& options_;
  const ServeEnv& env_;
  const core::Config config_;
  io::unique_fd listener_;
  io::unique_fd signals_;
  std::size_t cap_;
  std::vector<pid_t> children_;
  bool stopping_ = false;
  bool killed_ = false;
  bool fd_limit_logged_ = false;
  core::TimePoint rest_until_{};
  core::TimePoint drain_deadline_{};
  core::TimePoint kill_deadline_{};
};

}  // namespace

int run_fork(const ServeOptions& options, const ServeEnv& given_env) {
  ServeEnv env = given_env;
  if (!env.log) env.log = [](std::string_view) {};
  io::ignore_sigpipe();
  // Single-threaded on purpose: fork() in a threaded process copies only the calling
  // thread, so signals are taken through a signalfd in the one loop rather than sigwait.
  const sigset_t signals = io::block_signals({SIGINT, SIGTERM, SIGCHLD});
  auto sfd = io::signal_fd(signals);
  if (!sfd) {
    env.log(sfd.error);
    return 1;
  }
  auto listeners = bind_listeners(options, 1);
  if (!listeners) {
    env.log(listeners.error);
    return 1;
  }
  io::unique_fd listener = std::move(listeners.value->front());
  const std::uint16_t port = io::bound_port(listener.get()).value_or(options.port);
  Parent parent(options, env, std::move(listener), std::move(*sfd.value));
  if (env.on_listening) env.on_listening(port);
  parent.run();
  return 0;
}

}  // namespace h1::models
