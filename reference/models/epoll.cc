#include "models/epoll.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <new>
#include <string>
#include <system_error>
#include <thread>

#include "io/clock.h"
#include "io/signals.h"
#include "io/socket.h"
#include "models/driver.h"
#include "models/model.h"

namespace h1::models {

namespace {

using std::chrono::milliseconds;

// Capacity for n elements, grown geometrically: reserve(size() + 1) on every connection
// would reallocate (and copy) the whole vector each time, quadratic in the connections.
template <class Vector>
void reserve_room(Vector& v, std::size_t n) {
  if (v.capacity() < n) v.reserve(std::max({n, 2 * v.capacity(), std::size_t{16}}));
}

}  // namespace

struct EpollWorker::Conn {
  Conn(io::unique_fd s, const core::Config& config, core::Files& files, core::Now now,
       core::BufferPool& pool)
      : sock(std::move(s)), conn(config, files, now, &pool) {}
  io::unique_fd sock;
  core::Connection conn;
  std::uint32_t events = 0;  // interest currently registered
  std::size_t index = 0;     // slot in conns_
  bool retired = false;      // events later in the same batch must skip it
};

EpollWorker::EpollWorker(io::Epoll epoll, io::EventFd wake, io::unique_fd listener,
                         const EpollShared& shared)
    : epoll_(std::move(epoll)),
      wake_(std::move(wake)),
      listener_(std::move(listener)),
      shared_(shared),
      files_(*shared.root,
             {.ttl = shared.cache_ttl, .max_content = shared.config->inline_body_max}),
      buffers_(*shared.config) {}

EpollWorker::~EpollWorker() = default;

io::SetupResult<std::unique_ptr<EpollWorker>> EpollWorker::create(io::unique_fd listener,
                                                                  const EpollShared& shared) {
  using Result = io::SetupResult<std::unique_ptr<EpollWorker>>;
  auto epoll = io::Epoll::create();
  if (!epoll) return Result::fail(epoll.error);
  auto wake = io::EventFd::create();
  if (!wake) return Result::fail(wake.error);
  std::unique_ptr<EpollWorker> w(new EpollWorker(std::move(*epoll.value), std::move(*wake.value),
                                                 std::move(listener), shared));
  // The tags are member addresses: stable (the worker lives on the heap) and distinct
  // from every Conn*.
  if (!w->epoll_.add(w->wake_.get(), EPOLLIN, &w->wake_) ||
      !w->epoll_.add(w->listener_.get(), EPOLLIN, &w->listener_)) {
    return Result::fail(io::errno_message("epoll_ctl", errno));
  }
  return Result::ok(std::move(w));
}

void EpollWorker::run() noexcept {
  std::array<epoll_event, kEventBatch> events{};
  for (;;) {
    const int n = epoll_.wait(events, wait_timeout_ms(io::now()));
    const core::Now now = io::now();
    files_.tick(now.mono);
    for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)], now);
    maintain(now);
    retired_.clear();
    if (stopping_ && (conns_.empty() || now.mono >= drain_deadline_)) break;
  }
  // Past the drain deadline: drop what is left (closing the sockets).
  while (!conns_.empty()) retire(*conns_.back());
  retired_.clear();
}

void EpollWorker::dispatch(const epoll_event& ev, core::Now now) noexcept {
  if (ev.data.ptr == &wake_) {
    wake_.drain();
    if (!stopping_) begin_stop(now);
    return;
  }
  if (ev.data.ptr == &listener_) {
    if (listener_ && !listener_paused_) accept_one(now);
    return;
  }
  Conn& c = *static_cast<Conn*>(ev.data.ptr);
  if (c.retired) return;
  const bool hung_up = (ev.events & (EPOLLHUP | EPOLLERR)) != 0;
  drive(c.conn, c.sock.get(), (ev.events & EPOLLIN) != 0 || hung_up, now);
  settle(c, hung_up);
}

void EpollWorker::accept_one(core::Now now) noexcept {
  // One accept per readiness event, not a loop until EAGAIN: the listener is level-triggered,
  // so a backlog brings us straight back, and the usual lone arrival costs one accept4
  // instead of two (Connection: close: +14 % requests per CPU-second).
  io::AcceptResult r = io::accept_connection(listener_.get());
  switch (r.status) {
    case io::AcceptStatus::ok:
      adopt(std::move(r.fd), now);
      return;
    case io::AcceptStatus::retry:
    case io::AcceptStatus::would_block:
      return;
    case io::AcceptStatus::no_fds:
      if (!shared_.fd_limit_logged->exchange(true, std::memory_order_relaxed)) {
        (*shared_.log)(io::errno_message("accept", r.err) + " (pausing accepts)");
      }
      pause_listener(now);
      return;
    case io::AcceptStatus::error:
      (*shared_.log)(io::errno_message("accept", r.err));
      pause_listener(now);
      return;
  }
}

void EpollWorker::adopt(io::unique_fd sock, core::Now now) noexcept {
  const std::size_t before = shared_.active->fetch_add(1, std::memory_order_relaxed);
  if (shared_.max_connections != 0 && before >= shared_.max_connections) {
    // Over the limit: the peer sees an immediate close rather than waiting in the backlog.
    shared_.active->fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  std::unique_ptr<Conn> c;
  try {
    c = std::make_unique<Conn>(std::move(sock), *shared_.config, files_, now, buffers_);
    // Reserve now so that push_back here and in retire() cannot throw later.
    reserve_room(conns_, conns_.size() + 1);
    reserve_room(retired_, conns_.size() + 1);
  } catch (const std::bad_alloc&) {
    shared_.active->fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  c->events = EPOLLIN;
  c->index = conns_.size();
  if (!epoll_.add(c->sock.get(), c->events, c.get())) {
    shared_.active->fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  conns_.push_back(std::move(c));
}

void EpollWorker::settle(Conn& c, bool hung_up) noexcept {
  std::uint32_t want = 0;
  if (!c.conn.closed()) {
    // wants_read() implies a non-empty read_space(); read_space() itself is not called
    // here because it compacts the input buffer.
    if (c.conn.wants_read()) want |= EPOLLIN;
    if (c.conn.wants_write()) want |= EPOLLOUT;
    // EPOLLHUP/EPOLLERR are reported even with an empty mask; level-triggered they would
    // wake us on every turn. A dead socket the core waits on for nothing is closed.
    if (want == 0 && hung_up) c.conn.on_write_error();
  }
  if (c.conn.closed()) {
    retire(c);
    return;
  }
  if (want != c.events) {
    if (!epoll_.modify(c.sock.get(), want, &c)) {
      c.conn.on_write_error();
      retire(c);
      return;
    }
    c.events = want;
  }
}

void EpollWorker::retire(Conn& c) noexcept {
  // Closing the socket takes it out of the epoll set (no other descriptor refers to it),
  // so no EPOLL_CTL_DEL is needed.
  c.sock.reset();
  c.retired = true;
  shared_.active->fetch_sub(1, std::memory_order_relaxed);
  // Swap-remove; the object itself survives in retired_ until the batch is over,
  // because later events of the batch may still point at it.
  const std::size_t i = c.index;
  std::unique_ptr<Conn> gone = std::move(conns_[i]);
  if (i + 1 != conns_.size()) {
    conns_[i] = std::move(conns_.back());
    conns_[i]->index = i;
  }
  conns_.pop_back();
  retired_.push_back(std::move(gone));  // capacity reserved in adopt(): cannot throw
}

void EpollWorker::begin_stop(core::Now now) noexcept {
  stopping_ = true;
  drain_deadline_ = now.mono + kDrainLimit;
  if (listener_) {
    epoll_.remove(listener_.get());
    listener_.reset();  // new connections are refused by the kernel from now on
  }
  // Backwards, so that swap-removal only moves connections already visited.
  for (std::size_t i = conns_.size(); i-- > 0;) {
    Conn& c = *conns_[i];
    c.conn.begin_shutdown(now);
    drive(c.conn, c.sock.get(), false, now);
    settle(c, false);
  }
}

void EpollWorker::pause_listener(core::Now now) noexcept {
  if (epoll_.modify(listener_.get(), 0, &listener_)) {
    listener_paused_ = true;
    listener_resume_ = now.mono + kFdBackoff;
  }
}

void EpollWorker::maintain(core::Now now) noexcept {
  if (listener_paused_ && listener_ && now.mono >= listener_resume_) {
    listener_paused_ = !epoll_.modify(listener_.get(), EPOLLIN, &listener_);
    if (listener_paused_) listener_resume_ = now.mono + kFdBackoff;
  }
  if (now.mono < next_scan_) return;
  next_scan_ = now.mono + kScanPeriod;
  for (std::size_t i = conns_.size(); i-- > 0;) {
    Conn& c = *conns_[i];
    if (c.conn.deadline() > now.mono) continue;
    c.conn.on_timer(now);
    drive(c.conn, c.sock.get(), false, now);
    settle(c, false);
  }
}

int EpollWorker::wait_timeout_ms(core::Now now) const noexcept {
  core::TimePoint until = std::max(next_scan_, now.mono);
  if (listener_paused_) until = std::min(until, listener_resume_);
  if (stopping_) until = std::min(until, drain_deadline_);
  const auto wait = std::chrono::ceil<milliseconds>(until - now.mono);
  return static_cast<int>(std::clamp(wait, milliseconds{0}, kScanPeriod).count());
}

namespace {

// Starts one thread per worker; on failure stops and joins those already running.
bool start_threads(std::vector<std::unique_ptr<EpollWorker>>& workers,
                   std::vector<std::thread>& threads, const ServeEnv& env) {
  for (auto& w : workers) {
    try {
      threads.emplace_back([&w] { w->run(); });
    } catch (const std::system_error& e) {
      env.log(std::string("cannot start a worker thread: ") + e.what());
      for (auto& started : workers) started->request_stop();
      for (auto& t : threads) t.join();
      return false;
    }
  }
  return true;
}

const char* signal_name(int signo) noexcept { return signo == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace

int run_epoll(const ServeOptions& options, const ServeEnv& given_env) {
  ServeEnv env = given_env;
  if (!env.log) env.log = [](std::string_view) {};  // workers call it unchecked
  io::ignore_sigpipe();
  // Before any thread exists, so that every worker inherits the mask and the signals
  // can only be taken by sigwait below.
  const sigset_t stop_signals = io::block_stop_signals();

  const unsigned count = std::max(options.workers, 1u);
  auto listeners = bind_listeners(options, count);
  if (!listeners) {
    env.log(listeners.error);
    return 1;
  }
  const std::uint16_t port = io::bound_port(listeners.value->front().get()).value_or(options.port);

  const core::Config config = make_config(options, env.access_log);
  std::atomic<std::size_t> active{0};
  std::atomic<bool> fd_limit_logged{false};
  const EpollShared shared{&config,          env.root, &active,          options.max_connections,
                           &fd_limit_logged, &env.log, options.cache_ttl};
  std::vector<std::unique_ptr<EpollWorker>> workers;
  for (io::unique_fd& listener : *listeners.value) {
    auto w = EpollWorker::create(std::move(listener), shared);
    if (!w) {
      env.log(w.error);
      return 1;
    }
    workers.push_back(std::move(*w.value));
  }

  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  if (!start_threads(workers, threads, env)) return 1;
  if (env.on_listening) env.on_listening(port);

  const int signo = io::wait_for_signal(stop_signals);
  if (!options.quiet) env.log(std::string(signal_name(signo)) + " received, draining");
  for (auto& w : workers) w->request_stop();
  for (auto& t : threads) t.join();
  return 0;
}

}  // namespace h1::models
