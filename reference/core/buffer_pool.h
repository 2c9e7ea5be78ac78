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
#include <span>
#include <vector>

#include "core/config.h"
#include "core/files.h"
#include "http/request_parser.h"

namespace h1::core {

// One piece of output: bytes held by the connection, or a range of an open file. Move-only:
// a file segment owns its handle, and the file closes when the segment is sent or dropped.
struct Segment {
  enum class Kind : std::uint8_t { bytes, file };
  Kind kind = Kind::bytes;
  const char* data = nullptr;  ///< bytes: start
  std::size_t size = 0;        ///< bytes: count
  FileHandle file{};           ///< file: handle from Files::open
  std::uint64_t offset = 0;    ///< file: first byte to send
  std::uint64_t length = 0;    ///< file: bytes to send
};

inline constexpr std::size_t kHeadReserve = 2048;  // output room kept for one response head
inline constexpr std::size_t kMaxSegments = 64;    // pipelined responses queued at once

// One connection's buffers; sizes follow the Config they were made for.
//
// The byte buffers and the field array live in one anonymous mapping laid out as
// [fields | in | path_scratch | out], so that a connection's first bytes (the field array's
// construction and a short read) touch one page, not one per part: a flood of slow clients
// costs one page fault each instead of a heap extension and half a dozen faults.
struct WorkBuffers {
  WorkBuffers() = default;
  ~WorkBuffers();
  WorkBuffers(const WorkBuffers&) = delete;
  WorkBuffers& operator=(const WorkBuffers&) = delete;

  char* in = nullptr;
  char* out = nullptr;
  char* path_scratch = nullptr;
  std::span<http::Field> fields;
  std::vector<Segment> segments;  // capacity reserved, size 0

  void* mapping = nullptr;  // owns every part above but segments
  std::size_t mapping_size = 0;
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

// Maps a block; only the field array's pages are touched (untouched pages cost no RSS).
// Throws std::bad_alloc.
[[nodiscard]] std::unique_ptr<WorkBuffers> make_buffers(const BufferSizes& sizes);

// What make_buffers has asked of the kernel so far, in this process (all threads): the
// evidence that a block is one mapping whose first page is filled in when it is made. Tests
// check these counts rather than page faults, whose accounting depends on the kernel and
// the sanitizer, not on this code.
struct BlockStats {
  std::size_t blocks = 0;           ///< blocks made
  std::size_t mappings = 0;         ///< mmap calls
  std::size_t populated_bytes = 0;  ///< bytes the kernel populated at once (MADV_POPULATE_WRITE
                                    ///< succeeded; 0 before Linux 5.14)
};
[[nodiscard]] BlockStats block_stats() noexcept;

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

  // Input room shared by the loop's connections that hold no buffers: valid from a
  // connection's read_space() to its on_read(), and sizes().in bytes long.
  [[nodiscard]] char* scratch() noexcept { return scratch_.get(); }
  // Field storage shared the same way, for parsing a partial head held outside a block.
  [[nodiscard]] std::span<http::Field> scratch_fields() noexcept { return scratch_fields_; }

  [[nodiscard]] const BufferSizes& sizes() const noexcept { return sizes_; }
  [[nodiscard]] std::size_t free_blocks() const noexcept { return free_.size(); }

 private:
  BufferSizes sizes_;
  std::size_t keep_;
  std::vector<std::unique_ptr<WorkBuffers>> free_;  // capacity keep_: give() never allocates
  std::unique_ptr<char[]> scratch_;
  std::vector<http::Field> scratch_fields_;
};

}  // namespace h1::core
