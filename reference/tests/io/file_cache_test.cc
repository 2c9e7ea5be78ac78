#include "io/file_cache.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/memory_files.h"

namespace h1::io {
namespace {

using namespace std::chrono_literals;
using core::OpenStatus;

// MemoryFiles that counts what reaches it, so that a hit can be told from a miss.
class CountingFiles : public support::MemoryFiles {
 public:
  core::OpenResult open(std::string_view p) noexcept override {
    ++opens;
    return MemoryFiles::open(p);
  }
  std::size_t read(const core::FileHandle& f, std::uint64_t off,
                   std::span<char> dst) noexcept override {
    ++reads;
    return MemoryFiles::read(f, off, dst);
  }
  int opens = 0;
  int reads = 0;
};

std::string read_all(core::Files& files, const core::FileHandle& h, std::size_t size) {
  std::string out(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = files.read(h, got, std::span<char>(out.data() + got, size - got));
    if (n == 0) break;
    got += n;
  }
  out.resize(got);
  return out;
}

const core::TimePoint t0{std::chrono::seconds{100}};

TEST_CASE("a hit within the ttl reaches neither open nor read", "[file_cache]") {
  CountingFiles inner;
  inner.add("a.txt", "hello");
  {
    FileCache cache(inner, {.ttl = 1000ms});
    cache.tick(t0);
    core::OpenResult first = cache.open("a.txt");
    REQUIRE(first.status == OpenStatus::ok);
    CHECK(read_all(cache, first.handle, first.info.size) == "hello");
    const int reads_after_miss = inner.reads;
    cache.tick(t0 + 999ms);
    core::OpenResult second = cache.open("a.txt");
    REQUIRE(second.status == OpenStatus::ok);
    CHECK(second.handle.get() == first.handle.get());  // the same cached descriptor
    CHECK(second.handle.owner() == &cache);
    CHECK(read_all(cache, second.handle, second.info.size) == "hello");
    CHECK(read_all(cache, second.handle, 5).substr(0) == "hello");
    CHECK(inner.opens == 1);
    CHECK(inner.reads == reads_after_miss);
    CHECK(cache.stats().hits == 1);
    CHECK(cache.stats().misses == 1);
    first.handle.reset();
    second.handle.reset();
    CHECK(inner.open_count() == 1);  // still listed, held for the next hit
  }
  CHECK(inner.open_count() == 0);  // the destructor closed it
}

TEST_CASE("reads at an offset and past the end follow the Files contract", "[file_cache]") {
  CountingFiles inner;
  inner.add("a.txt", "0123456789");
  FileCache cache(inner, {});
  cache.tick(t0);
  core::OpenResult r = cache.open("a.txt");
  char buf[4];
  CHECK(cache.read(r.handle, 8, buf) == 2);
  CHECK(std::string(buf, 2) == "89");
  CHECK(cache.read(r.handle, 10, buf) == 0);
  CHECK(cache.read(r.handle, 99, buf) == 0);
  r.handle.reset();
}

TEST_CASE("after the ttl the file is opened again and the new bytes are served", "[file_cache]") {
  CountingFiles inner;
  inner.add("a.txt", "old");
  FileCache cache(inner, {.ttl = 1000ms});
  cache.tick(t0);
  core::OpenResult first = cache.open("a.txt");
  inner.add("a.txt", "newer");  // replaced on disk while a response still uses the old one
  cache.tick(t0 + 500ms);
  core::OpenResult stale = cache.open("a.txt");
  CHECK(read_all(cache, stale.handle, stale.info.size) == "old");  // self-consistent, bounded
  stale.handle.reset();
  cache.tick(t0 + 1000ms);
  core::OpenResult fresh = cache.open("a.txt");
  REQUIRE(fresh.status == OpenStatus::ok);
  CHECK(fresh.info.size == 5);
  CHECK(read_all(cache, fresh.handle, fresh.info.size) == "newer");
  CHECK(inner.opens == 2);
  // The old entry is gone from the path map but the first user still reads it.
  CHECK(read_all(cache, first.handle, first.info.size) == "old");
  CHECK(inner.open_count() == 2);
  first.handle.reset();
  CHECK(inner.open_count() == 1);  // the old handle closed with its last user
  fresh.handle.reset();
}

TEST_CASE("misses are never kept: a file that appears is served at once", "[file_cache]") {
  CountingFiles inner;
  FileCache cache(inner, {});
  cache.tick(t0);
  CHECK(cache.open("late.txt").status == OpenStatus::not_found);
  inner.add("late.txt", "here");
  core::OpenResult r = cache.open("late.txt");
  CHECK(r.status == OpenStatus::ok);
  r.handle.reset();
  inner.forbid("secret");
  CHECK(cache.open("secret").status == OpenStatus::forbidden);
  CHECK(cache.held() == 1);
}

TEST_CASE("a large file is read through; its bytes are not copied", "[file_cache]") {
  CountingFiles inner;
  inner.add("big.bin", std::string(100, 'x'));
  FileCache cache(inner, {.max_content = 10});
  cache.tick(t0);
  core::OpenResult r = cache.open("big.bin");
  CHECK(inner.reads == 0);
  CHECK(read_all(cache, r.handle, 100) == std::string(100, 'x'));
  CHECK(inner.reads > 0);
  r.handle.reset();
  core::OpenResult again = cache.open("big.bin");
  CHECK(inner.opens == 1);  // the descriptor and metadata are still cached
  inner.truncate("big.bin", 40);
  CHECK(read_all(cache, again.handle, 100).size() == 40);  // a shrinking file ends early
  again.handle.reset();
}

TEST_CASE("directories are cached without content", "[file_cache]") {
  CountingFiles inner;
  inner.add("sub/index.html", "i");
  FileCache cache(inner, {});
  cache.tick(t0);
  core::OpenResult d = cache.open("sub");
  REQUIRE(d.status == OpenStatus::ok);
  CHECK(d.info.directory);
  d.handle.reset();
  CHECK(cache.open("sub").info.directory);
  CHECK(inner.opens == 1);
  CHECK(inner.reads == 0);
}

TEST_CASE("beyond max_entries opens pass through and still close", "[file_cache]") {
  CountingFiles inner;
  for (char c = 'a'; c <= 'e'; ++c) inner.add(std::string(1, c), "x");
  {
    FileCache cache(inner, {.max_entries = 2});
    cache.tick(t0);
    for (char c = 'a'; c <= 'e'; ++c) {
      core::OpenResult r = cache.open(std::string(1, c));
      REQUIRE(r.status == OpenStatus::ok);
      CHECK(read_all(cache, r.handle, 1) == "x");
      // The first two are kept; the rest come back with the inner handle itself.
      const core::Files* const owner = c <= 'b' ? static_cast<core::Files*>(&cache) : &inner;
      CHECK(r.handle.owner() == owner);
      r.handle.reset();
    }
    CHECK(cache.held() == 2);
    CHECK(inner.open_count() == 2);
  }
  CHECK(inner.open_count() == 0);
}

TEST_CASE("expired entries nobody uses are closed by tick", "[file_cache]") {
  CountingFiles inner;
  inner.add("a", "1");
  inner.add("b", "2");
  FileCache cache(inner, {.ttl = 1000ms});
  cache.tick(t0);
  (void)cache.open("a");  // its handle goes at once
  core::OpenResult b = cache.open("b");
  CHECK(inner.open_count() == 2);
  cache.tick(t0 + 2000ms);
  CHECK(inner.open_count() == 1);  // a closed; b is in use
  b.handle.reset();
  CHECK(inner.open_count() == 0);
  CHECK(cache.held() == 0);
}

TEST_CASE("ttl 0 turns the cache off", "[file_cache]") {
  CountingFiles inner;
  inner.add("a", "1");
  FileCache cache(inner, {.ttl = 0ms});
  cache.tick(t0);
  (void)cache.open("a");  // its handle goes at once
  (void)cache.open("a");  // its handle goes at once
  CHECK(inner.opens == 2);
  CHECK(inner.open_count() == 0);
  CHECK(cache.held() == 0);
}

}  // namespace
}  // namespace h1::io
