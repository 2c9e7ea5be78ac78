// The epoll model's event loop: one per worker thread, each with its own SO_REUSEPORT
// listener so that the kernel spreads new connections across workers.
//
// Readiness is level-triggered. Interest follows the core after every step (EPOLLIN iff
// it wants input, EPOLLOUT iff output is pending), so a step may stop early
// (fairness bounds, a full buffer) without losing an event, and no drain-until-EAGAIN
// bookkeeping is needed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/connection.h"
#include "io/docroot.h"
#include "io/file_cache.h"
#include "io/poller.h"
#include "io/setup_result.h"
#include "io/unique_fd.h"

namespace h1::models {

// State shared by all workers of one run; owned by run_epoll and outliving the workers.
struct EpollShared {
  const core::Config* config = nullptr;
  io::DocRoot* root = nullptr;
  std::atomic<std::size_t>* active = nullptr;    ///< open connections, process-wide
  std::size_t max_connections = 0;               ///< 0: no limit
  std::atomic<bool>* fd_limit_logged = nullptr;  ///< EMFILE is reported once per process
  const std::function<void(std::string_view)>* log = nullptr;
  std::chrono::milliseconds cache_ttl{0};  ///< each worker's open-file cache; 0: none
};

class EpollWorker {
 public:
  // Sets up the epoll instance and wake-up eventfd around an already bound listener.
  static io::SetupResult<std::unique_ptr<EpollWorker>> create(io::unique_fd listener,
                                                              const EpollShared& shared);
  ~EpollWorker();
  EpollWorker(const EpollWorker&) = delete;
  EpollWorker& operator=(const EpollWorker&) = delete;

  // The loop; returns once a stop was requested and every connection has closed or the
  // drain deadline has passed. Run it on its own thread.
  void run() noexcept;
  // Asks run() to stop accepting and drain; callable from any thread.
  void request_stop() noexcept { wake_.notify(); }

 private:
  struct Conn;

  EpollWorker(io::Epoll epoll, io::EventFd wake, io::unique_fd listener, const EpollShared& shared);

  void dispatch(const epoll_event& ev, core::Now now) noexcept;
  void accept_one(core::Now now) noexcept;
  void adopt(io::unique_fd sock, core::Now now) noexcept;
  void settle(Conn& c, bool hung_up) noexcept;
  void retire(Conn& c) noexcept;
  void begin_stop(core::Now now) noexcept;
  void pause_listener(core::Now now) noexcept;
  void maintain(core::Now now) noexcept;
  [[nodiscard]] int wait_timeout_ms(core::Now now) const noexcept;

  io::Epoll epoll_;
  io::EventFd wake_;
  io::unique_fd listener_;
  EpollShared shared_;
  // Both before conns_: destroyed after them, once every handle and buffer is back.
  io::FileCache files_;
  core::BufferPool buffers_;

  std::vector<std::unique_ptr<Conn>> conns_;    // live connections; Conn::index is the slot
  std::vector<std::unique_ptr<Conn>> retired_;  // freed after each batch of events
  core::TimePoint next_scan_{};
  core::TimePoint listener_resume_{};
  bool listener_paused_ = false;
  bool stopping_ = false;
  core::TimePoint drain_deadline_{};
};

}  // namespace h1::models
