// Move-only owner of a file descriptor. It is the only caller of close() in h1spec, so
// every descriptor has exactly one owner and none can leak or be closed twice.
#pragma once

namespace h1::io {

class unique_fd {
 public:
  unique_fd() noexcept = default;
  // Takes ownership of fd (a negative value means "none").
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  ~unique_fd() { reset(); }

  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  // Closes the descriptor held so far, then takes other's.
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;

  // The descriptor, still owned; -1 when empty.
  [[nodiscard]] int get() const noexcept { return fd_; }
  // Gives up ownership without closing; the caller now owns the result.
  [[nodiscard]] int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the current descriptor (if any) and owns fd instead.
  void reset(int fd = -1) noexcept;
  // True when a descriptor is held.
  explicit operator bool() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace h1::io
