#include "http/response_head.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

using h1::http::HeadWriter;
using h1::http::reason_phrase;

namespace {

constexpr std::string_view kTypicalHead =
    "HTTP/1.1 200 OK\r\n"
    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 1234\r\n"
    "ETag: \"4d2-1\"\r\n"
    "\r\n";

void write_typical(HeadWriter& w) {
  w.status_line(200);
  w.raw("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
  w.field("Content-Type", "text/html; charset=utf-8");
  w.field("Content-Length", std::uint64_t{1234});
  w.field("ETag", "\"4d2-1\"");
}

}  // namespace

TEST_CASE("reason phrases", "[response_head]") {
  CHECK(reason_phrase(100) == "Continue");
  CHECK(reason_phrase(101) == "Switching Protocols");
  CHECK(reason_phrase(200) == "OK");
  CHECK(reason_phrase(204) == "No Content");
  CHECK(reason_phrase(206) == "Partial Content");
  CHECK(reason_phrase(301) == "Moved Permanently");
  CHECK(reason_phrase(304) == "Not Modified");
  CHECK(reason_phrase(400) == "Bad Request");
  CHECK(reason_phrase(403) == "Forbidden");
  CHECK(reason_phrase(404) == "Not Found");
  CHECK(reason_phrase(405) == "Method Not Allowed");
  CHECK(reason_phrase(408) == "Request Timeout");
  CHECK(reason_phrase(411) == "Length Required");
  CHECK(reason_phrase(412) == "Precondition Failed");
  CHECK(reason_phrase(413) == "Content Too Large");
  CHECK(reason_phrase(414) == "URI Too Long");
  CHECK(reason_phrase(416) == "Range Not Satisfiable");
  CHECK(reason_phrase(417) == "Expectation Failed");
  CHECK(reason_phrase(431) == "Request Header Fields Too Large");
  CHECK(reason_phrase(500) == "Internal Server Error");
  CHECK(reason_phrase(501) == "Not Implemented");
  CHECK(reason_phrase(503) == "Service Unavailable");
  CHECK(reason_phrase(505) == "HTTP Version Not Supported");
  CHECK(reason_phrase(299) == "Unknown");
  CHECK(reason_phrase(0) == "Unknown");
  CHECK(reason_phrase(-200) == "Unknown");
}

TEST_CASE("a typical head, byte for byte", "[response_head]") {
  std::array<char, 256> buf{};
  HeadWriter w(buf);
  write_typical(w);
  CHECK_FALSE(w.overflowed());
  CHECK(w.size() == kTypicalHead.size() - 2);
  const std::size_t n = w.finish();
  REQUIRE(n == kTypicalHead.size());
  CHECK(std::string_view(buf.data(), n) == kTypicalHead);
}

TEST_CASE("numbers are written in decimal", "[response_head]") {
  std::array<char, 128> buf{};
  HeadWriter w(buf);
  w.status_line(416);
  w.field("Content-Length", std::uint64_t{0});
  w.field("X-Max", UINT64_MAX);
  const std::size_t n = w.finish();
  CHECK(std::string_view(buf.data(), n) ==
        "HTTP/1.1 416 Range Not Satisfiable\r\n"
        "Content-Length: 0\r\n"
        "X-Max: 18446744073709551615\r\n"
        "\r\n");
}

TEST_CASE("an unknown status gets the Unknown phrase", "[response_head]") {
  std::array<char, 64> buf{};
  HeadWriter w(buf);
  w.status_line(299);
  const std::size_t n = w.finish();
  CHECK(std::string_view(buf.data(), n) == "HTTP/1.1 299 Unknown\r\n\r\n");
}

TEST_CASE("every buffer too small fails without writing past the span", "[response_head]") {
  constexpr std::size_t kCanary = 16;
  for (std::size_t n = 0; n <= kTypicalHead.size(); ++n) {
    INFO("span size " << n);
    std::vector<char> backing(n + kCanary, '#');
    HeadWriter w(std::span<char>(backing.data(), n));
    write_typical(w);
    const std::size_t result = w.finish();
    if (n < kTypicalHead.size()) {
      CHECK(result == 0);
      CHECK(w.overflowed());
      CHECK(w.size() <= n);
    } else {
      CHECK(result == kTypicalHead.size());
      CHECK(std::string_view(backing.data(), n) == kTypicalHead);
    }
    for (std::size_t i = n; i < backing.size(); ++i) REQUIRE(backing[i] == '#');
  }
}

TEST_CASE("a failed writer stays failed", "[response_head]") {
  std::array<char, 64> buf{};
  buf.fill('#');
  HeadWriter w(std::span<char>(buf.data(), 20));
  w.status_line(200);                   // 17 bytes, fits
  w.field("Content-Length", "123456");  // does not fit
  REQUIRE(w.overflowed());
  w.raw("ab");  // would fit, but must not be written after a failure
  CHECK(w.size() == 17);
  CHECK(buf[17] == '#');
  CHECK(w.finish() == 0);
}

TEST_CASE("fields that would split the response are refused", "[response_head]") {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"X", "a\r\nSet-Cookie: x"},
                                                        {"X", "a\nb"},
                                                        {"X", "a\rb"},
                                                        {"X", std::string("a\0b", 3)},
                                                        {"X", "a\x7f"},
                                                        {"Bad Name", "v"},
                                                        {"Bad:Name", "v"},
                                                        {"", "v"},
                                                        {"X\r\nY", "v"}}) {
    INFO(name << " / " << value);
    std::array<char, 128> buf{};
    HeadWriter w(buf);
    w.status_line(200);
    w.field(name, value);
    CHECK(w.overflowed());
    CHECK(w.finish() == 0);
  }
  std::array<char, 128> buf{};
  HeadWriter w(buf);
  w.field("X", "tab\tand obs-text \xC3\xA9");
  w.field("Empty", "");
  CHECK(w.finish() > 0);
}

TEST_CASE("status codes outside 100..999 are refused", "[response_head]") {
  for (const int status : {0, 99, 1000, -1}) {
    std::array<char, 64> buf{};
    HeadWriter w(buf);
    w.status_line(status);
    CHECK(w.overflowed());
    CHECK(w.finish() == 0);
  }
}

TEST_CASE("an empty head is just the final CRLF", "[response_head]") {
  std::array<char, 2> buf{};
  HeadWriter w(buf);
  CHECK(w.finish() == 2);
  CHECK(std::string_view(buf.data(), 2) == "\r\n");
}
