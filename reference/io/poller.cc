#include "io/poller.h"

#include <sys/eventfd.h>
#include <unistd.h>
#include <cerrno>
#include <cstdint>

namespace h1::io {

SetupResult<Epoll> Epoll::create() {
  unique_fd fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!fd) return SetupResult<Epoll>::fail(errno_message("epoll_create1", errno));
  return SetupResult<Epoll>::ok(Epoll(std::move(fd)));
}

bool Epoll::add(int fd, std::uint32_t events, void* tag) noexcept {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = tag;
  return ::epoll_ctl(fd_.get(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool Epoll::modify(int fd, std::uint32_t events, void* tag) noexcept {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = tag;
  return ::epoll_ctl(fd_.get(), EPOLL_CTL_MOD, fd, &ev) == 0;
}

void Epoll::remove(int fd) noexcept {
  epoll_event ev{};  // non-null for kernels older than 2.6.9
  (void)::epoll_ctl(fd_.get(), EPOLL_CTL_DEL, fd, &ev);
}

int Epoll::wait(std::span<epoll_event> out, int timeout_ms) noexcept {
  const int n = ::epoll_wait(fd_.get(), out.data(), static_cast<int>(out.size()), timeout_ms);
  return n < 0 ? 0 : n;
}

int poll_fds(std::span<pollfd> fds, int timeout_ms) noexcept {
  const int n = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout_ms);
  return n < 0 ? 0 : n;
}

SetupResult<EventFd> EventFd::create() {
  unique_fd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd) return SetupResult<EventFd>::fail(errno_message("eventfd", errno));
  return SetupResult<EventFd>::ok(EventFd(std::move(fd)));
}

void EventFd::notify() noexcept {
  const std::uint64_t one = 1;
  ssize_t n;
  do {
    n = ::write(fd_.get(), &one, sizeof one);
  } while (n < 0 && errno == EINTR);
  // EAGAIN means the counter is saturated: it is readable already, which is all we want.
}

void EventFd::drain() noexcept {
  std::uint64_t value = 0;
  ssize_t n;
  do {
    n = ::read(fd_.get(), &value, sizeof value);
  } while (n < 0 && errno == EINTR);
}

}  // namespace h1::io
