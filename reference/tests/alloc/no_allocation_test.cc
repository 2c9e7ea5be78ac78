// Proves the hot path allocates nothing: global operator new is replaced by a counting one,
// and steady-state parsing and serving must leave the count untouched.
#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "core/connection.h"
#include "http/chunked_decoder.h"
#include "http/request_parser.h"
#include "tests/support/memory_files.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// GCC pairs operator new with free() and warns; the pair below is malloc/free throughout.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

using namespace h1;

namespace {
const std::string kBrowserRequest =
    "GET /assets/app.js?v=3 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux "
    "x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\nAccept: "
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: "
    "en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\nCookie: "
    "a=b; c=d\r\nIf-None-Match: \"abc\"\r\nCache-Control: max-age=0\r\n\r\n";

long allocations_during(auto&& fn) {
  const long before = g_allocations.load();
  fn();
  return g_allocations.load() - before;
}
}  // namespace

TEST_CASE("the counting allocator sees allocations", "[allocation]") {
  CHECK(allocations_during([] {
          auto* s = new std::string(100, 'x');
          delete s;
        }) >= 1);
}

TEST_CASE("parsing request heads allocates nothing", "[allocation]") {
  http::Limits limits;
  std::array<http::Field, 64> storage{};
  http::RequestParser parser(limits, storage);
  int complete = 0;
  const long n = allocations_during([&] {
    for (int i = 0; i < 1000; ++i) {
      parser.reset();
      for (std::size_t k = 1; k <= kBrowserRequest.size(); k += 97) {
        (void)parser.parse({kBrowserRequest.data(), k});
      }
      const http::ParseResult r = parser.parse({kBrowserRequest.data(), kBrowserRequest.size()});
      complete += r.complete() ? 1 : 0;
    }
  });
  CHECK(complete == 1000);
  CHECK(n == 0);
}

TEST_CASE("decoding chunked bodies allocates nothing", "[allocation]") {
  http::Limits limits;
  http::ChunkedDecoder decoder(limits);
  const std::string body = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nT: v\r\n\r\n";
  const long n = allocations_during([&] {
    for (int i = 0; i < 1000; ++i) {
      decoder.reset();
      std::size_t pos = 0;
      while (pos < body.size())
        pos += decoder.step({body.data() + pos, body.size() - pos}).consumed;
    }
  });
  CHECK(n == 0);
}

// Serves 200 rounds of four pipelined requests (a 100 KB range among them) and counts the
// allocations after the first round.
static void check_serving_allocates_nothing(core::BufferPool* pool) {
  support::MemoryFiles files;
  files.add("index.html", "<h1>hi</h1>");
  files.add("big.bin", std::string(200'000, 'b'));
  core::Config config;
  core::Connection conn(config, files, core::Now{}, pool);
  const std::string reqs =
      "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /missing HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /big.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=0-99999\r\n\r\n"
      "HEAD / HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"x\"\r\n\r\n";
  std::size_t written = 0;
  std::size_t idle_with_buffers_home = 0;
  auto round = [&] {
    std::memcpy(conn.read_space().data(), reqs.data(), reqs.size());
    conn.on_read(reqs.size(), core::Now{});
    while (!conn.pending().empty()) {
      const core::Segment& s = conn.pending().front();
      const std::size_t n =
          s.kind == core::Segment::Kind::bytes ? s.size : static_cast<std::size_t>(s.length);
      written += n;
      conn.on_sent(n, core::Now{});
    }
    if (pool != nullptr && pool->free_blocks() == 1) ++idle_with_buffers_home;
  };
  round();
  REQUIRE(written > 100'000);
  const long n = allocations_during([&] {
    for (int i = 0; i < 200; ++i) round();
  });
  CHECK(n == 0);
  CHECK_FALSE(conn.closed());
  CHECK(written > 20'000'000);  // 200 responses of 100,000 bytes
  // With a pool, every idle moment between rounds handed the buffers back.
  if (pool != nullptr) CHECK(idle_with_buffers_home == 201);
}

TEST_CASE("serving keep-alive requests allocates nothing after warm-up", "[allocation]") {
  check_serving_allocates_nothing(nullptr);
}

TEST_CASE("borrowing buffers from a pool between requests allocates nothing", "[allocation]") {
  core::Config config;
  core::BufferPool pool(config);
  check_serving_allocates_nothing(&pool);
}
