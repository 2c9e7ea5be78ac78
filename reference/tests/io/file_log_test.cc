#include "io/file_log.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace h1::io {
namespace {

std::string contents(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST_CASE("FileAccessLog writes one line per record", "[file_log]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    FileAccessLog log(f);
    log.record({"GET", "/index.html", 200, 1171});
    log.record({"HEAD", "/a b\x01", 404, 0});
    log.record({"", "", 400, 0});
  }
  CHECK(contents(f) ==
        "GET /index.html 200 1171\n"
        "HEAD /a\\x20b\\x01 404 0\n"
        "- - 400 0\n");
  std::fclose(f);
}

TEST_CASE("FileAccessLog keeps lines whole across threads", "[file_log]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    FileAccessLog log(f);
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log] {
        for (int i = 0; i < 200; ++i) log.record({"GET", "/same/target", 200, 12345});
      });
    }
    for (auto& t : threads) t.join();
  }
  const std::string text = contents(f);
  std::size_t lines = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    CHECK(text.substr(pos, nl - pos) == "GET /same/target 200 12345");
    ++lines;
    pos = nl + 1;
  }
  CHECK(lines == 800);
  std::fclose(f);
}

TEST_CASE("FileAccessLog::open reports an unwritable path", "[file_log]") {
  const auto r = FileAccessLog::open("/nonexistent-dir/access.log");
  REQUIRE_FALSE(r);
  CHECK(r.error.find("access log") != std::string::npos);
  CHECK(FileAccessLog::open("-"));
}

}  // namespace
}  // namespace h1::io
