// Moving bytes on a non-blocking socket: read, gathered write, and sendfile. Each call
// makes one syscall (retrying only EINTR) and classifies the outcome so that drivers
// never look at errno.
#pragma once

#include <sys/uio.h>
#include <cstddef>
#include <cstdint>
#include <span>

namespace h1::io {

enum class IoStatus : std::uint8_t {
  ok,           ///< bytes moved (count > 0)
  would_block,  ///< EAGAIN: wait for readiness
  eof,          ///< read: the peer finished sending; sendfile: the file ended early
  error,        ///< the connection is unusable (EPIPE, ECONNRESET...); err says why
};

struct IoResult {
  IoStatus status = IoStatus::error;
  std::size_t count = 0;
  int err = 0;
};

// Reads at most dst.size() (> 0) bytes from fd.
[[nodiscard]] IoResult read_some(int fd, std::span<char> dst) noexcept;

// Writes the buffers in order with one writev; a short count is normal.
[[nodiscard]] IoResult write_gather(int fd, std::span<const iovec> buffers,
                                    bool more = false) noexcept;

// Sends up to length (> 0) bytes of file starting at offset, advancing offset by the
// count; eof means the file is shorter than offset + length now.
[[nodiscard]] IoResult send_file(int sock, int file, std::uint64_t& offset,
                                 std::uint64_t length) noexcept;

}  // namespace h1::io
