#include "core/buffer_pool.h"

#include <algorithm>
#include <new>

namespace h1::core {

namespace {
constexpr std::size_t kPathSlack = 16;  // room to append "index.html"
}  // namespace

BufferSizes buffer_sizes(const Config& c) noexcept {
  const http::Limits& l = c.limits;
  const std::size_t line = l.max_method + l.max_target + 16;
  BufferSizes s;
  s.in = std::max({c.read_buffer_size, l.max_head + 1, line + 1});
  s.out = std::max(c.write_buffer_size, c.inline_body_max + 2 * kHeadReserve);
  s.path_scratch = l.max_target + kPathSlack;
  s.fields = l.max_fields;
  s.segments = kMaxSegments + 2;
  return s;
}

std::unique_ptr<WorkBuffers> make_buffers(const BufferSizes& sizes) {
  auto b = std::make_unique<WorkBuffers>();
  b->in = std::make_unique_for_overwrite<char[]>(sizes.in);
  b->out = std::make_unique_for_overwrite<char[]>(sizes.out);
  b->path_scratch = std::make_unique_for_overwrite<char[]>(sizes.path_scratch);
  b->fields.resize(sizes.fields);
  b->segments.reserve(sizes.segments);
  return b;
}

BufferPool::BufferPool(const Config& config, std::size_t keep)
    : sizes_(buffer_sizes(config)), keep_(keep) {
  free_.reserve(keep_);
}

BufferPool::~BufferPool() = default;

std::unique_ptr<WorkBuffers> BufferPool::take() noexcept {
  if (!free_.empty()) {
    std::unique_ptr<WorkBuffers> b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  try {
    return make_buffers(sizes_);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void BufferPool::give(std::unique_ptr<WorkBuffers> block) noexcept {
  if (!block || free_.size() >= keep_) return;  // freed here
  block->segments.clear();
  free_.push_back(std::move(block));
}

}  // namespace h1::core
