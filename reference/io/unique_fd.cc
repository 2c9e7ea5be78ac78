#include "io/unique_fd.h"

#include <unistd.h>

namespace h1::io {

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0 && fd_ != fd) {
    // Never retry close() on EINTR: on Linux the descriptor is released either way, and a
    // retry could close a descriptor that another thread has just been given.
    (void)::close(fd_);
  }
  fd_ = fd;
}

}  // namespace h1::io
