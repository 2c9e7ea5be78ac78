// The working memory of a connection (input, output, parsed fields, path scratch, output
// segments), lent by a pool for as long as the connection is busy.
//
// An idle keep-alive connection holds none of it, so ten thousand idle connections cost
// what their Connection objects cost, not 100 KiB each. One pool per event loop: it is not
// thread-safe. After warm-up a loop takes and gives back blocks without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/config.h"
#include "core/files.h"
#include "http/request_parser.h"

namespace h1::core {

// One piece of output: bytes held by the connection, or a range of an open file.
struct Segment {
  enum class Kind : std::uint8_t { bytes, file };
  Kind kind = Kind::bytes;
  const char* data = nullptr;  ///< bytes: start
  std::size_t size = 0;        ///< bytes: count
  FileHandle file = kNoFile;   ///< file: handle from Files::open
  std::uint64_t offset = 0;    ///< file: first byte to send
  std::uint64_t length = 0;    ///< file: bytes to send
};

inline constexpr std::size_t kHeadReserve = 2048;  // output room kept for one response head
inline constexpr std::size_t kMaxSegments = 64;    // pipelined responses queued at once

// One connection's buffers; sizes follow the Config they were made for.
struct WorkBuffers {
  std::unique_ptr<char[]> in;
  std::unique_ptr<char[]> out;
  std::unique_ptr<char[]> path_scratch;
  std::vector<http::Field> fields;
  std::vector<Segment> segments;  // capacity reserved, size 0
};

// Sizes of every WorkBuffers part for a Config.
struct BufferSizes {
  std::size_t in = 0;
  std::size_t out = 0;
  std::size_t path_scratch = 0;
  std::size_t fields = 0;
  std::size_t segments = 0;
};
[[nodiscard]] BufferSizes buffer_sizes(const Config& config) noexcept;

// Allocates a block without touching its byte buffers (untouched pages cost no RSS).
// Throws std::bad_alloc.
[[nodiscard]] std::unique_ptr<WorkBuffers> make_buffers(const BufferSizes& sizes);

class BufferPool {
 public:
  // Keeps at most `keep` free blocks; more are freed when given back.
  explicit BufferPool(const Config& config, std::size_t keep = 64);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A free block, or a new one; nullptr if memory is exhausted.
  [[nodiscard]] std::unique_ptr<WorkBuffers> take() noexcept;
  // Returns a block; its contents are garbage to the next user.
  void give(std::unique_ptr<WorkBuffers> block) noexcept;

  [[nodiscard]] const BufferSizes& sizes() const noexcept { return sizes_; }
  [[nodiscard]] std::size_t free_blocks() const noexcept { return free_.size(); }

 private:
  BufferSizes sizes_;
  std::size_t keep_;
  std::vector<std::unique_ptr<WorkBuffers>> free_;  // capacity keep_: give() never allocates
};

}  // namespace h1::core
