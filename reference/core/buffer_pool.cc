#include "core/buffer_pool.h"

#include <sys/mman.h>

// Under AddressSanitizer the parts are separated by poisoned gaps, so that an overrun from
// one part into the next is still reported as it would be between separate allocations.
#if defined(__SANITIZE_ADDRESS__)
#define H1_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define H1_ASAN 1
#endif
#endif
#ifdef H1_ASAN
#include <sanitizer/asan_interface.h>
#endif

#include <algorithm>
#include <atomic>
#include <new>

namespace h1::core {

namespace {
constexpr std::size_t kPathSlack = 16;     // room to append "index.html"
constexpr std::size_t kAlign = 64;         // each part starts on a cache line
constexpr std::size_t kFirstPages = 4096;  // populated when a block is made

constexpr std::size_t align_up(std::size_t n) noexcept { return (n + kAlign - 1) & ~(kAlign - 1); }

// block_stats(): relaxed counters, since the threads model makes blocks on many threads.
std::atomic<std::size_t> g_blocks{0};
std::atomic<std::size_t> g_mappings{0};
std::atomic<std::size_t> g_populated{0};

// Every mapping of a block is made here, so that block_stats() counts them all.
void* map_anonymous(std::size_t size) noexcept {
  void* const m = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return nullptr;
  g_mappings.fetch_add(1, std::memory_order_relaxed);
  // A block is sparse by design. Where transparent huge pages are "always", the kernel merges
  // adjacent blocks into one area and may back a first touch with 2 MiB; this keeps it to a
  // page. (EINVAL without THP support: nothing to keep off.)
#ifdef MADV_NOHUGEPAGE
  (void)::madvise(m, size, MADV_NOHUGEPAGE);
#endif
  return m;
}

// Asks the kernel to fill in [m, m + size) now rather than fault it in page by page.
void populate(void* m, std::size_t size) noexcept {
#ifdef MADV_POPULATE_WRITE
  if (::madvise(m, size, MADV_POPULATE_WRITE) == 0) {
    g_populated.fetch_add(size, std::memory_order_relaxed);
  }
#else
  (void)m;
  (void)size;
#endif
}

#ifdef H1_ASAN
constexpr std::size_t kGap = kAlign;
void poison(char* p, std::size_t n) noexcept { __asan_poison_memory_region(p, n); }
void unpoison(char* p, std::size_t n) noexcept { __asan_unpoison_memory_region(p, n); }
#else
constexpr std::size_t kGap = 0;
void poison(char*, std::size_t) noexcept {}
void unpoison(char*, std::size_t) noexcept {}
#endif
}  // namespace

WorkBuffers::~WorkBuffers() {
  if (mapping != nullptr) {
    std::destroy(fields.begin(), fields.end());
    unpoison(static_cast<char*>(mapping), mapping_size);
    ::munmap(mapping, mapping_size);
  }
}

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
  const std::size_t fields_at = 0;
  const std::size_t fields_end = fields_at + sizes.fields * sizeof(http::Field);
  const std::size_t in_at = align_up(fields_end + kGap);
  const std::size_t path_at = align_up(in_at + sizes.in + kGap);
  const std::size_t out_at = align_up(path_at + sizes.path_scratch + kGap);
  const std::size_t total = align_up(out_at + sizes.out + kGap);

  auto b = std::make_unique<WorkBuffers>();
  b->segments.reserve(sizes.segments);
  void* const m = map_anonymous(total);
  if (m == nullptr) throw std::bad_alloc();
  b->mapping = m;
  b->mapping_size = total;
  char* const base = static_cast<char*>(m);
  // The first page (the field array and the first bytes of input) is used at once: populating
  // it in this call is much cheaper than a page fault (ten times so under a paravirtualised
  // MMU). Kernels before 5.14 refuse the advice, and the page then faults in on first use.
  populate(m, std::min<std::size_t>(total, kFirstPages));
  auto* const fields = reinterpret_cast<http::Field*>(base + fields_at);
  std::uninitialized_value_construct_n(fields, sizes.fields);
  b->fields = {fields, sizes.fields};
  b->in = base + in_at;
  b->path_scratch = base + path_at;
  b->out = base + out_at;
  poison(base + fields_end, in_at - fields_end);
  poison(base + in_at + sizes.in, path_at - in_at - sizes.in);
  poison(base + path_at + sizes.path_scratch, out_at - path_at - sizes.path_scratch);
  poison(base + out_at + sizes.out, total - out_at - sizes.out);
  g_blocks.fetch_add(1, std::memory_order_relaxed);
  return b;
}

BlockStats block_stats() noexcept {
  return {g_blocks.load(std::memory_order_relaxed), g_mappings.load(std::memory_order_relaxed),
          g_populated.load(std::memory_order_relaxed)};
}

BufferPool::BufferPool(const Config& config, std::size_t keep)
    : sizes_(buffer_sizes(config)),
      keep_(keep),
      scratch_(std::make_unique_for_overwrite<char[]>(sizes_.in)),
      scratch_fields_(sizes_.fields) {
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
