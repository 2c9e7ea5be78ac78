#include "core/buffer_pool.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "core/connection.h"
#include "core/memory_files.h"

using namespace h1::core;

namespace {

// Feeds bytes to a connection and writes out everything it queues; returns the output.
std::string exchange(Connection& conn, const std::string& in) {
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

  const std::string out = exchange(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(out.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(out.ends_with("<p>hi</p>"));
  CHECK(pool.free_blocks() == 1);  // idle again: given back
  CHECK(conn.pending().empty());

  SECTION("a partial head keeps them, and the rest of it completes the request") {
    CHECK(exchange(conn, "GET / HTTP/1.1\r\nHo").empty());
    CHECK(pool.free_blocks() == 0);
    CHECK(exchange(conn, "st: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 1);
  }
  SECTION("two pipelined requests are answered in order, then the buffers go back") {
    const std::string two =
        exchange(conn, "GET /x HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(two.starts_with("HTTP/1.1 404 "));
    CHECK(two.find("HTTP/1.1 200 OK\r\n") != std::string::npos);
    CHECK(pool.free_blocks() == 1);
  }
  SECTION("a closing connection keeps them until it is destroyed") {
    CHECK(exchange(conn, "GET / HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(pool.free_blocks() == 0);
    CHECK(conn.wants_shutdown());  // an HTTP/1.0 close lingers
  }
}

TEST_CASE("without a pool the buffers come with the first input", "[buffer_pool]") {
  MemoryFiles files;
  files.add("index.html", "x");
  Config config;
  Connection conn(config, files, Now{});
  CHECK(conn.pending().empty());
  CHECK(exchange(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(exchange(conn, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
}
