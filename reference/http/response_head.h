// Response status lines and field lines, assembled into a caller-owned buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace h1::http {

// Reason phrase for a status code ("OK", "Not Found", ...), "Unknown" otherwise.
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

// Appends a response head into a caller buffer, never overflowing it. The first failure
// (no room, or a value that would forge extra lines) poisons the writer: later calls do
// nothing and finish() returns 0, so callers check once at the end.
class HeadWriter {
 public:
  explicit HeadWriter(std::span<char> out) noexcept : out_(out) {}

  // Appends "HTTP/1.1 <status> <reason>\r\n"; a status outside 100..999 fails the writer.
  void status_line(int status) noexcept;
  // Appends "name: value\r\n"; a name that is not a token or a value with CR, LF or another
  // CTL fails the writer, so no input can split the response.
  void field(std::string_view name, std::string_view value) noexcept;
  // Appends "name: <decimal value>\r\n".
  void field(std::string_view name, std::uint64_t value) noexcept;
  // Appends pre-formatted bytes unchecked, e.g. a cached Date line.
  void raw(std::string_view bytes) noexcept;
  // Appends the final CRLF; returns the head size, or 0 if anything did not fit.
  [[nodiscard]] std::size_t finish() noexcept;
  // True once any call failed; finish() will then return 0.
  [[nodiscard]] bool overflowed() const noexcept { return failed_; }
  // Bytes written so far.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  void append(std::string_view bytes) noexcept;

  std::span<char> out_;
  std::size_t size_ = 0;
  bool failed_ = false;
};

}  // namespace h1::http
