// Resumable byte-level decoder of the chunked transfer coding (RFC 9112 §7.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/limits.h"
#include "http/request_parser.h"

namespace h1::http {

struct [[nodiscard]] ChunkStep {
  ParseStatus status = ParseStatus::need_more;  ///< complete: the last chunk and trailers ended
  ParseError error = ParseError::none;
  std::size_t consumed = 0;  ///< input bytes used by this step
  std::string_view data;     ///< chunk data found in this step, a view into the input
};

class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const Limits& limits) noexcept : limits_(&limits) {}

  // Decodes from the start of in, stopping after one run of data, at the end of the
  // message, at an error, or when in is used up. Call again with the unconsumed rest.
  ChunkStep step(std::span<const char> in) noexcept;
  // Total chunk data bytes decoded so far.
  [[nodiscard]] std::uint64_t data_bytes() const noexcept { return data_total_; }
  void reset() noexcept;

 private:
  enum class State : std::uint8_t {
    size_first,
    size,
    size_ws,
    ext_name_start,
    ext,
    ext_quoted,
    ext_escape,
    line_lf,
    data,
    data_cr,
    data_lf,
    trailer_start,
    trailer_name,
    trailer_value,
    trailer_lf,
    final_lf,
    done,
    failed,
  };
  ChunkStep fail(ParseError e, std::size_t consumed) noexcept;
  ParseError on_size_byte(char c) noexcept;
  ParseError on_ext_byte(char c) noexcept;
  ParseError on_line_lf(char c) noexcept;
  ParseError on_trailer_byte(char c) noexcept;

  const Limits* limits_;
  State state_ = State::size_first;
  std::uint64_t size_ = 0;
  std::uint64_t remaining_ = 0;
  std::uint64_t data_total_ = 0;
  std::size_t digits_ = 0;
  std::size_t ext_bytes_ = 0;
  std::size_t trailer_bytes_ = 0;
  ParseError error_ = ParseError::none;
};

}  // namespace h1::http
