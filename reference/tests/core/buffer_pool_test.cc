#include "core/buffer_pool.h"

#include <sys/mman.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/connection.h"
#include "tests/support/memory_files.h"

using namespace h1::core;
using h1::support::MemoryFiles;

namespace {

std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// How many pages of [p, p + n) are resident now, as the kernel reports them (mincore).
std::size_t resident_pages(const void* p, std::size_t n) {
  const std::size_t page = page_size();
  const auto first = reinterpret_cast<std::uintptr_t>(p) & ~(page - 1);
  const auto last = reinterpret_cast<std::uintptr_t>(p) + n;
  std::vector<unsigned char> vec((last - first + page - 1) / page);
  // NOLINTNEXTLINE(performance-no-int-to-ptr): mincore wants the page-aligned address
  REQUIRE(::mincore(reinterpret_cast<void*>(first), last - first, vec.data()) == 0);
  return static_cast<std::size_t>(
      std::count_if(vec.begin(), vec.end(), [](unsigned char c) { return (c & 1) != 0; }));
}

// Whether this kernel fills in pages on request (MADV_POPULATE_WRITE, Linux 5.14), asked of a
// mapping of the test's own: a pool that stopped asking cannot pass for an old kernel.
bool kernel_populates() {
#ifdef MADV_POPULATE_WRITE
  const std::size_t page = page_size();
  void* const m = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(m != MAP_FAILED);
  const bool ok = ::madvise(m, page, MADV_POPULATE_WRITE) == 0;
  ::munmap(m, page);
  return ok;
#else
  return false;
#endif
}

// Feeds bytes to a connection and writes out everything it queues; returns the output.
std::string feed(Connection& conn, const std::string& in) {
  std::span<char> space = conn.read_space();
  REQUIRE(space.size() >= in.size());
  std::memcpy(space.data(), in.data(), in.size());
  conn.on_read(in.size(), Now{});
  std::string out;
  while (!conn.pending().empty()) {
    const Segment& s = conn.pending().front();
    REQUIRE(s.kind == Segment::Kind::bytes);
    out.append(s.data, s.size);
    conn.on_sent(s.size, Now{});
  }
  return out;
}

}  // namespace

TEST_CASE("the sizes follow the config", "[buffer_pool]") {
  Config config;
  config.read_buffer_size = 40'000;
  config.write_buffer_size = 70'000;
  config.limits.max_fields = 7;
  const BufferSizes s = buffer_sizes(config);
  CHECK(s.in == 40'000);
  CHECK(s.out == 70'000);
  CHECK(s.fields == 7);
  CHECK(s.path_scratch > config.limits.max_target);
  const auto b = make_buffers(s);
  CHECK(b->fields.size() == 7);
  CHECK(b->segments.empty());
  CHECK(b->segments.capacity() >= kMaxSegments);
}

TEST_CASE("a new block is one mapping that holds every part, disjoint", "[buffer_pool]") {
  Config config;
  const BufferSizes s = buffer_sizes(config);
  const BlockStats before = block_stats();
  const auto b = make_buffers(s);
  const BlockStats after = block_stats();
  CHECK(after.blocks - before.blocks == 1);
  CHECK(after.mappings - before.mappings == 1);  // one mmap per block, not one per part

  // Every part inside that one mapping...
  const char* const base = static_cast<const char*>(b->mapping);
  const char* const end = base + b->mapping_size;
  REQUIRE(base != nullptr);
  const auto inside = [&](const void* part, std::size_t size) {
    const auto* const p = static_cast<const char*>(part);
    return base <= p && p <= end && size <= static_cast<std::size_t>(end - p);
  };
  const auto* const fields_begin = reinterpret_cast<const char*>(b->fields.data());
  const auto* const fields_end = reinterpret_cast<const char*>(b->fields.data() + s.fields);
  CHECK(b->fields.size() == s.fields);
  CHECK(inside(fields_begin, s.fields * sizeof(h1::http::Field)));
  CHECK(inside(b->in, s.in));
  CHECK(inside(b->path_scratch, s.path_scratch));
  CHECK(inside(b->out, s.out));
  // ...in the order [fields | in | path_scratch | out], none overlapping the next.
  CHECK(fields_end <= b->in);
  CHECK(b->in + s.in <= b->path_scratch);
  CHECK(b->path_scratch + s.path_scratch <= b->out);
}

TEST_CASE("a new block's first byte of input costs about a page", "[buffer_pool]") {
  // A slowloris flood borrows one block per connection for a single byte. Separate heap
  // allocations cost a heap extension and a page per part; one mapping whose field array and
  // first input bytes share a page, filled in when the block is made, costs that one page
  // and no fault. Measured by what the pool asks of the kernel (block_stats) and by which
  // pages the kernel reports resident (mincore), never by counting page faults: their
  // accounting depends on the kernel and on the sanitizer (AddressSanitizer's shadow memory
  // faults too), not on this code.
  Config config;
  const BufferSizes s = buffer_sizes(config);
  const std::size_t page = page_size();
  const bool populates = kernel_populates();
  if (!populates) WARN("MADV_POPULATE_WRITE is refused here (Linux < 5.14): pages fault in");

  constexpr std::size_t kBlocks = 64;
  std::vector<std::unique_ptr<WorkBuffers>> blocks;
  blocks.reserve(kBlocks);
  const BlockStats before = block_stats();
  for (std::size_t i = 0; i < kBlocks; ++i) blocks.push_back(make_buffers(s));
  const BlockStats after = block_stats();
  CHECK(after.mappings - before.mappings == kBlocks);
  const std::size_t populated = (after.populated_bytes - before.populated_bytes) / kBlocks;
  INFO("bytes populated per block: " << populated);

  std::size_t first_byte = 0;  // offset of in[0] in its block
  for (const auto& b : blocks) {
    const char* const base = static_cast<const char*>(b->mapping);
    REQUIRE(base <= b->in);
    first_byte = static_cast<std::size_t>(b->in - base);
    // The field array and the first byte of input are on the block's first page, the only
    // one resident; writing that byte adds none.
    REQUIRE(first_byte < page);
    CHECK(resident_pages(base, b->mapping_size) == 1);
    b->in[0] = 'G';
    CHECK(resident_pages(base, b->mapping_size) == 1);
  }
  // That page was filled in when the block was made, so the first byte cost no fault either;
  // and no more than that page was.
  if (populates) {
    CHECK(populated > first_byte);
    CHECK(populated <= page);
  }
}

TEST_CASE("the pool reuses blocks and keeps at most `keep` free", "[buffer_pool]") {
  Config config;
  BufferPool pool(config, 2);
  auto a = pool.take();
  auto b = pool.take();
  auto c = pool.take();
  REQUIRE((a && b && c));
  WorkBuffers* first = a.get();
  pool.give(std::move(a));
  pool.give(std::move(b));
  pool.give(std::move(c));  // over the limit: freed
  CHECK(pool.free_blocks() == 2);
  auto again = pool.take();
  CHECK(pool.free_blocks() == 1);
  CHECK((again.get() == first || pool.free_blocks() == 1));
  pool.give(nullptr);  // harmless
  CHECK(pool.free_blocks() == 1);
}

TEST_CASE("a connection holds buffers only while it is busy", "[buffer_pool]") {
  MemoryFiles files;
  files.add("index.html", "<p>hi</p>");
  Config config;
  BufferPool pool(config);
  pool.give(pool.take());  // one block in stock
  Connection conn(config, files, Now{}, &pool);
  CHECK(pool.free_blocks() == 1);  // a new connection borrows nothing

  const std::string out = feed(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(out.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(out.ends_with("<p>hi</p>"));
  CHECK(pool.free_blocks() == 1);  // idle again: given back
  CHECK(conn.pending().empty());

  SECTION("a partial head waits in the stash, and the rest of it completes the request") {
    CHECK(feed(conn, "GET / HTTP/1.1\r\nHo").empty());
    CHECK(pool.free_blocks() == 1);
    CHECK(feed(conn, "st: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 1);
  }
  SECTION("a partial head behind a served request keeps the buffers") {
    CHECK(feed(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHo")
              .starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 0);
    CHECK(feed(conn, "st: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 1);
  }
  SECTION("two pipelined requests are answered in order, then the buffers go back") {
    const std::string two =
        feed(conn, "GET /x HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(two.starts_with("HTTP/1.1 404 "));
    CHECK(two.find("HTTP/1.1 200 OK\r\n") != std::string::npos);
    CHECK(pool.free_blocks() == 1);
  }
  SECTION("a closing connection keeps them until it is destroyed") {
    CHECK(feed(conn, "GET / HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 0);
    CHECK(conn.wants_shutdown());  // an HTTP/1.0 close lingers
  }
}

TEST_CASE("a client dripping its head borrows nothing until the head is complete",
          "[buffer_pool]") {
  MemoryFiles files;
  files.add("index.html", "<p>hi</p>");
  Config config;
  config.header_timeout = std::chrono::seconds(5);
  BufferPool pool(config);
  pool.give(pool.take());  // one block in stock
  const Now start{TimePoint{} + std::chrono::seconds(100), 1'700'000'000};
  Connection conn(config, files, start, &pool);

  const std::string line = "GET /index.html HTTP/1.1\r\n";
  SECTION("byte by byte, the head is served as if it came at once") {
    const std::string head = line + "Host: h\r\nAccept: */*\r\n\r\n";
    for (std::size_t i = 0; i + 1 < head.size(); ++i) {
      CHECK(feed(conn, head.substr(i, 1)).empty());
      CHECK(pool.free_blocks() == 1);  // held in the connection's stash, not a block
    }
    const std::string out = feed(conn, "\n");
    CHECK(out.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(out.ends_with("<p>hi</p>"));
    CHECK(pool.free_blocks() == 1);
    CHECK(feed(conn, line + "Host: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
  }
  SECTION("a whole request in one read is served straight away") {
    const std::string out = feed(conn, line + "Host: h\r\n\r\n");
    CHECK(out.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 1);
  }
  SECTION("more than the stash holds moves to a block, and the request still parses") {
    const std::string long_line = "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n";
    for (std::size_t i = 0; i < long_line.size(); i += 10) {
      CHECK(feed(conn, long_line.substr(i, 10)).empty());
    }
    CHECK(pool.free_blocks() == 0);
    CHECK(feed(conn, "Host: h\r\n\r\n").starts_with("HTTP/1.1 404 "));
  }
  SECTION("a bad byte in a stashed head is answered at once") {
    CHECK(feed(conn, "GE").empty());
    CHECK(feed(conn, "T\x01").starts_with("HTTP/1.1 400 "));
  }
  SECTION("a bad field line in a stashed head is answered at once") {
    CHECK(feed(conn, line + "Host: h\r\n").empty());
    CHECK(feed(conn, "Bad Name: x\r\n").starts_with("HTTP/1.1 400 "));
  }
  SECTION("a HEAD request's error from the stash has no body") {
    const std::string out = feed(conn, "HEAD / HTTP/1.1\r\nHost: h\r\nX: \x01\r\n");
    CHECK(out.starts_with("HTTP/1.1 400 "));
    CHECK(out.ends_with("\r\n\r\n"));
  }
  SECTION("a stashed line that never ends gets 408 at the header timeout") {
    CHECK(feed(conn, "GET /ind").empty());
    CHECK(pool.free_blocks() == 1);
    conn.on_timer(Now{start.mono + std::chrono::seconds(6), start.unix_seconds + 6});
    REQUIRE(!conn.pending().empty());
    const Segment& s = conn.pending().front();
    REQUIRE(s.kind == Segment::Kind::bytes);
    CHECK(std::string(s.data, s.size).starts_with("HTTP/1.1 408 "));
  }
  SECTION("end of input after a stashed line closes without a response") {
    CHECK(feed(conn, "GET /ind").empty());
    conn.on_eof(start);
    CHECK(conn.pending().empty());
    CHECK((conn.wants_shutdown() || conn.closed()));
  }
}

TEST_CASE("without a pool the buffers come with the first input", "[buffer_pool]") {
  MemoryFiles files;
  files.add("index.html", "x");
  Config config;
  Connection conn(config, files, Now{});
  CHECK(conn.pending().empty());
  CHECK(feed(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(feed(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
}
