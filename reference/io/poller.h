// Readiness notification for the event-loop models: an epoll instance and an eventfd
// used to wake a loop from another thread.
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <cstdint>
#include <span>
#include <utility>

#include "io/setup_result.h"
#include "io/unique_fd.h"

namespace h1::io {

class Epoll {
 public:
  // Creates a close-on-exec epoll instance.
  static SetupResult<Epoll> create();

  // Registers fd with the interest mask and the pointer handed back with its events.
  [[nodiscard]] bool add(int fd, std::uint32_t events, void* tag) noexcept;
  // Replaces fd's interest mask.
  [[nodiscard]] bool modify(int fd, std::uint32_t events, void* tag) noexcept;
  // Unregisters fd (closing fd also does it, unless the descriptor is duplicated).
  void remove(int fd) noexcept;
  // Waits up to timeout_ms (-1: forever) and fills out; returns the count, 0 on EINTR.
  [[nodiscard]] int wait(std::span<epoll_event> out, int timeout_ms) noexcept;

 private:
  explicit Epoll(unique_fd fd) noexcept : fd_(std::move(fd)) {}
  unique_fd fd_;
};

// A counter file descriptor: notify() from any thread makes it readable.
class EventFd {
 public:
  // Creates a non-blocking, close-on-exec eventfd.
  static SetupResult<EventFd> create();

  [[nodiscard]] int get() const noexcept { return fd_.get(); }
  // Makes the descriptor readable; safe to call from any thread, any number of times.
  void notify() noexcept;
  // Resets the counter so that the descriptor is no longer readable.
  void drain() noexcept;

 private:
  explicit EventFd(unique_fd fd) noexcept : fd_(std::move(fd)) {}
  unique_fd fd_;
};

// poll(2) over fds for up to timeout_ms (-1: forever); returns the count, 0 on EINTR.
// Entries with a negative fd are skipped, as poll(2) does.
[[nodiscard]] int poll_fds(std::span<pollfd> fds, int timeout_ms) noexcept;

}  // namespace h1::io
