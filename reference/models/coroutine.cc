// The coroutine model: the gevent idea without monkey-patching. Each connection is a C++20
// coroutine written as a straight loop (drive the core, wait for the socket, repeat); a wait
// suspends it, and one epoll loop resumes whichever coroutine's socket is ready, whose
// deadline is due, or all of them when the server stops.
#include <algorithm>
#include <array>
#include <coroutine>
#include <cstdint>
#include <new>
#include <vector>

#include "core/connection.h"
#include "io/clock.h"
#include "io/poller.h"
#include "io/socket.h"
#include "models/driver.h"
#include "models/model.h"
#include "models/serve_loop.h"

namespace h1::models {

namespace {

// A fire-and-forget coroutine: it runs at once, and its frame frees itself at the end.
struct Task {
  struct promise_type {
    Task get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    // Only bad_alloc can get here (building a Connection): that connection is dropped.
    void unhandled_exception() noexcept {}
  };
};

// Why a waiting coroutine was resumed.
struct Wake {
  std::uint32_t events = 0;  ///< epoll events on its descriptor; 0 for a deadline or a stop
  bool stop = false;         ///< the server is stopping (delivered once)
};

class Loop;

// A coroutine's registration with the loop, living in its frame: one descriptor, the
// interest currently registered, and while suspended, its deadline and handle.
class Waiter {
 public:
  Waiter(Loop& loop, int fd) noexcept : loop_(loop), fd_(fd) {}
  ~Waiter();
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  struct Awaitable {
    Waiter& w;
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h) noexcept;
    Wake await_resume() const noexcept { return w.wake_; }
  };
  // Suspends until fd has one of events, `deadline` passes, or the server stops.
  [[nodiscard]] Awaitable wait(std::uint32_t events, core::TimePoint deadline) noexcept;

 private:
  friend class Loop;
  Loop& loop_;
  int fd_;
  bool added_ = false;
  std::uint32_t registered_ = 0;
  core::TimePoint deadline_ = core::TimePoint::max();
  std::coroutine_handle<> handle_;
  Wake wake_;
  std::size_t slot_ = kNotSuspended;
  static constexpr std::size_t kNotSuspended = static_cast<std::size_t>(-1);
};

class Loop {
 public:
  Loop(io::Epoll epoll, int stop, std::size_t max_connections) noexcept
      : epoll_(std::move(epoll)), stop_(stop), max_connections_(max_connections) {}

  void run() {
    (void)epoll_.add(stop_, EPOLLIN, &stop_);
    std::array<epoll_event, kEventBatch> events{};
    for (;;) {
      const core::Now before = io::now();
      core::TimePoint until = std::max(next_scan_, before.mono);
      if (stopping_) until = std::min(until, drain_deadline_);
      const int n = epoll_.wait(events, wait_ms(until, before.mono, kScanPeriod));
      const core::Now now = io::now();
      bool stop_seen = false;
      for (int i = 0; i < n; ++i) {
        const epoll_event& ev = events[static_cast<std::size_t>(i)];
        if (ev.data.ptr == &stop_) {
          stop_seen = true;
          continue;
        }
        auto* w = static_cast<Waiter*>(ev.data.ptr);
        if (w->slot_ != Waiter::kNotSuspended) resume(*w, Wake{ev.events, false});
      }
      // After the batch, because resuming everyone may end coroutines whose waiters
      // later events of the batch point at.
      if (stop_seen && !stopping_) begin_stop(now);
      if (now.mono >= next_scan_) scan_deadlines(now);
      if (stopping_ && (suspended_.empty() || now.mono >= drain_deadline_)) break;
    }
    // Past the drain limit: destroying a frame closes its socket and frees its Waiter,
    // which takes it off suspended_.
    while (!suspended_.empty()) suspended_.back()->handle_.destroy();
  }

  [[nodiscard]] bool stopping() const noexcept { return stopping_; }
  [[nodiscard]] bool has_room() const noexcept {
    return max_connections_ == 0 || active_ < max_connections_;
  }
  // Counts a connection coroutine for --max-connections for as long as it lives.
  struct Active {
    explicit Active(Loop& l) noexcept : loop(l) { ++loop.active_; }
    ~Active() { --loop.active_; }
    Active(const Active&) = delete;
    Active& operator=(const Active&) = delete;
    Loop& loop;
  };

 private:
  friend class Waiter;

  void suspend(Waiter& w) {
    w.slot_ = suspended_.size();
    suspended_.push_back(&w);
  }
  void unsuspend(Waiter& w) noexcept {
    const std::size_t i = w.slot_;
    suspended_[i] = suspended_.back();
    suspended_[i]->slot_ = i;
    suspended_.pop_back();
    w.slot_ = Waiter::kNotSuspended;
  }
  void resume(Waiter& w, Wake wake) {
    unsuspend(w);
    w.wake_ = wake;
    w.handle_.resume();
  }
  // Resumes every suspended waiter that `pick` selects. A resumed coroutine may suspend
  // again (joining the list) or end (leaving it), so the candidates are taken first.
  template <class Pick>
  void resume_each(Pick pick, Wake wake) {
    std::vector<Waiter*> due;
    for (Waiter* w : suspended_) {
      if (pick(*w)) due.push_back(w);
    }
    for (Waiter* w : due) {
      // Still suspended? Resuming an earlier one cannot end a later one's coroutine, but
      // check anyway: a waiter off the list has been resumed already.
      if (w->slot_ != Waiter::kNotSuspended) resume(*w, wake);
    }
  }
  void begin_stop(core::Now now) {
    stopping_ = true;
    drain_deadline_ = now.mono + kDrainLimit;
    epoll_.remove(stop_);
    resume_each([](const Waiter&) { return true; }, Wake{0, true});
  }
  void scan_deadlines(core::Now now) {
    next_scan_ = now.mono + kScanPeriod;
    resume_each([&](const Waiter& w) { return w.deadline_ <= now.mono; }, Wake{});
  }

  io::Epoll epoll_;
  int stop_;
  std::size_t max_connections_;
  std::size_t active_ = 0;
  std::vector<Waiter*> suspended_;
  bool stopping_ = false;
  core::TimePoint drain_deadline_{};
  core::TimePoint next_scan_{};
};

Waiter::~Waiter() {
  if (slot_ != kNotSuspended) loop_.unsuspend(*this);
  if (added_) loop_.epoll_.remove(fd_);
}

Waiter::Awaitable Waiter::wait(std::uint32_t events, core::TimePoint deadline) noexcept {
  if (!added_) {
    added_ = loop_.epoll_.add(fd_, events, this);
    registered_ = events;
  } else if (events != registered_ && loop_.epoll_.modify(fd_, events, this)) {
    registered_ = events;
  }
  deadline_ = deadline;
  return Awaitable{*this};
}

bool Waiter::Awaitable::await_suspend(std::coroutine_handle<> h) noexcept {
  w.handle_ = h;
  w.wake_ = Wake{};
  try {
    w.loop_.suspend(w);
    return true;
  } catch (const std::bad_alloc&) {
    // No room to track it: go on at once with a stop, so that the connection winds down.
    w.wake_.stop = true;
    return false;
  }
}

// One connection, start to end.
Task serve(Loop& loop, io::unique_fd sock, const core::Config& config, core::Files& files) {
  const Loop::Active counted(loop);
  core::Connection conn(config, files, io::now());
  Waiter waiter(loop, sock.get());  // declared after sock: unregistered before it closes
  core::Now now = io::now();
  bool ready_in = true;  // a fresh connection usually has its request waiting already
  for (;;) {
    drive(conn, sock.get(), ready_in, now);
    if (conn.closed()) co_return;
    const short want = readiness_wanted(conn);
    const Wake wake = co_await waiter.wait(static_cast<std::uint32_t>(want), conn.deadline());
    now = io::now();
    if (wake.stop) conn.begin_shutdown(now);
    if (now.mono >= conn.deadline()) conn.on_timer(now);
    ready_in = after_wait(conn, want, (wake.events & EPOLLIN) != 0,
                          (wake.events & (EPOLLHUP | EPOLLERR)) != 0);
  }
}

// The acceptor, a coroutine too: it waits on the listener like any connection.
Task accept_loop(Loop& loop, io::unique_fd listener, const core::Config& config,
                 const ServeEnv& env) {
  Waiter waiter(loop, listener.get());
  bool fd_limit_logged = false;
  core::TimePoint rest_until{};
  for (;;) {
    const bool resting = io::now().mono < rest_until;
    const Wake wake = co_await waiter.wait(resting ? 0U : std::uint32_t{EPOLLIN},
                                           resting ? rest_until : core::TimePoint::max());
    if (wake.stop) co_return;  // the listener closes with the frame
    for (int i = 0; i < kAcceptBatch && (wake.events & EPOLLIN) != 0; ++i) {
      io::AcceptResult r = io::accept_connection(listener.get());
      if (r.status == io::AcceptStatus::would_block) break;
      if (r.status == io::AcceptStatus::retry) continue;
      if (r.status != io::AcceptStatus::ok) {
        if (r.status == io::AcceptStatus::error || !fd_limit_logged) {
          env.log(io::errno_message("accept", r.err) + " (pausing accepts)");
        }
        fd_limit_logged = fd_limit_logged || r.status == io::AcceptStatus::no_fds;
        rest_until = io::now().mono + kFdBackoff;
        break;
      }
      if (!loop.has_room()) continue;  // over the limit: an immediate close
      try {
        serve(loop, std::move(r.fd), config, *env.root);
      } catch (const std::bad_alloc&) {
        // No frame for it: the socket closed with r.fd.
      }
    }
  }
}

}  // namespace

int run_coroutine(const ServeOptions& options, const ServeEnv& given_env) {
  auto epoll = io::Epoll::create();
  if (!epoll) {
    if (given_env.log) given_env.log(epoll.error);
    return 1;
  }
  return run_until_signal(
      options, given_env,
      [&](io::unique_fd listener, int stop, const core::Config& config, const ServeEnv& env) {
        Loop loop(std::move(*epoll.value), stop, options.max_connections);
        accept_loop(loop, std::move(listener), config, env);
        loop.run();
      });
}

}  // namespace h1::models
