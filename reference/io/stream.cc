#include "io/stream.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>

namespace h1::io {

namespace {

// Largest count handed to one sendfile: the kernel caps a call near 2 GiB anyway, and a
// bounded chunk keeps one large file from monopolising a worker's turn.
constexpr std::uint64_t kMaxSendfileChunk = std::uint64_t{1} << 20;

IoResult from_count(ssize_t n, IoStatus on_zero) noexcept {
  if (n > 0) return {IoStatus::ok, static_cast<std::size_t>(n), 0};
  if (n == 0) return {on_zero, 0, 0};
  const int err = errno;
  if (err == EAGAIN || err == EWOULDBLOCK) return {IoStatus::would_block, 0, err};
  return {IoStatus::error, 0, err};
}

}  // namespace

IoResult read_some(int fd, std::span<char> dst) noexcept {
  ssize_t n;
  do {
    n = ::read(fd, dst.data(), dst.size());
  } while (n < 0 && errno == EINTR);
  return from_count(n, IoStatus::eof);
}

IoResult write_gather(int fd, std::span<const iovec> buffers, bool more) noexcept {
  ssize_t n;
  do {
    if (more) {
      msghdr msg{};
      msg.msg_iov = const_cast<iovec*>(buffers.data());
      msg.msg_iovlen = buffers.size();
      n = ::sendmsg(fd, &msg, MSG_MORE);
    } else {
      n = ::writev(fd, buffers.data(), static_cast<int>(buffers.size()));
    }
  } while (n < 0 && errno == EINTR);
  // writev returning 0 for a non-empty request means nothing moved: treat as blocked.
  return from_count(n, IoStatus::would_block);
}

IoResult send_file(int sock, int file, std::uint64_t& offset, std::uint64_t length) noexcept {
  off_t off = static_cast<off_t>(offset);
  const auto chunk = static_cast<std::size_t>(std::min(length, kMaxSendfileChunk));
  ssize_t n;
  do {
    n = ::sendfile(sock, file, &off, chunk);
  } while (n < 0 && errno == EINTR);
  if (n > 0) offset = static_cast<std::uint64_t>(off);
  return from_count(n, IoStatus::eof);
}

}  // namespace h1::io
