#include "http/etag.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>

using h1::http::format_etag;
using h1::http::if_match_matches;
using h1::http::if_none_match_matches;
using h1::http::kMaxEtagLength;

namespace {

std::string etag(std::uint64_t size, std::int64_t mtime_ns) {
  std::array<char, kMaxEtagLength> buf{};
  return std::string(buf.data(), format_etag(size, mtime_ns, buf));
}

}  // namespace

TEST_CASE("format_etag writes a quoted hex size and mtime", "[etag]") {
  CHECK(etag(0, 0) == "\"0-0\"");
  CHECK(etag(255, 4096) == "\"ff-1000\"");
  CHECK(etag(1234, 1700000000123456789) == "\"4d2-17979cfe3d85cd15\"");
  CHECK(etag(UINT64_MAX, INT64_MAX) == "\"ffffffffffffffff-7fffffffffffffff\"");
  CHECK(etag(UINT64_MAX, -1) == "\"ffffffffffffffff-ffffffffffffffff\"");
  CHECK(etag(UINT64_MAX, -1).size() == kMaxEtagLength);
  CHECK(etag(1, 1) != etag(1, 2));
  CHECK(etag(1, 2) != etag(2, 1));
}

TEST_CASE("format_etag refuses a small buffer without writing", "[etag]") {
  std::array<char, 16> buf{};
  buf.fill('#');
  // "\"ff-1000\"" is 9 bytes.
  CHECK(format_etag(255, 4096, std::span<char>(buf.data(), 8)) == 0);
  CHECK(buf[0] == '#');
  CHECK(format_etag(255, 4096, std::span<char>(buf.data(), 9)) == 9);
  CHECK(buf[9] == '#');
  CHECK(format_etag(0, 0, std::span<char>()) == 0);
}

TEST_CASE("If-None-Match: star and weak comparison", "[etag]") {
  const std::string_view tag = "\"abc-1\"";
  CHECK(if_none_match_matches("*", tag));
  CHECK(if_none_match_matches("  *\t", tag));
  CHECK(if_none_match_matches("\"abc-1\"", tag));
  CHECK(if_none_match_matches("W/\"abc-1\"", tag));
  CHECK(if_none_match_matches("\"abc-1\"", "W/\"abc-1\""));
  CHECK(if_none_match_matches("W/\"abc-1\"", "W/\"abc-1\""));
  CHECK_FALSE(if_none_match_matches("\"abc-2\"", tag));
  CHECK_FALSE(if_none_match_matches("\"ABC-1\"", tag));
  CHECK_FALSE(if_none_match_matches("", tag));
  CHECK_FALSE(if_none_match_matches(" , ,", tag));
}

TEST_CASE("If-None-Match: lists with OWS and empty elements", "[etag]") {
  const std::string_view tag = "\"b\"";
  CHECK(if_none_match_matches("\"a\", \"b\", \"c\"", tag));
  CHECK(if_none_match_matches("\"a\",\"b\"", tag));
  CHECK(if_none_match_matches(" \"a\" ,\t\"b\" ", tag));
  CHECK(if_none_match_matches(", ,\"a\", , W/\"b\",,", tag));
  CHECK_FALSE(if_none_match_matches("\"a\", \"c\"", tag));
  // A comma is a legal etagc, so "a,b" is one tag, not two.
  CHECK(if_none_match_matches("\"a,b\"", "\"a,b\""));
  CHECK_FALSE(if_none_match_matches("\"a,b\"", tag));
}

TEST_CASE("If-None-Match: a malformed member spoils the whole list", "[etag]") {
  const std::string_view tag = "\"b\"";
  for (const char* v : {"b", "\"b", "b\"", "\"b\" \"c\"", "\"b\", c", "\"b\", *", "*, \"b\"",
                        "w/\"b\"", "W/ \"b\"", "W/b", "\"b\"x", "\"b\";\"c\"", "\"b\" , W/",
                        "\"b\", \"c d\"", "\"b\", \"c\x7f\"", "\"b\", \"\x01\""}) {
    INFO(v);
    CHECK_FALSE(if_none_match_matches(v, tag));
  }
  // obs-text is allowed inside the quotes.
  CHECK(if_none_match_matches("\"\xC3\xA9\", \"b\"", tag));
}

TEST_CASE("If-None-Match: a malformed current tag never matches a list", "[etag]") {
  CHECK_FALSE(if_none_match_matches("\"b\"", "b"));
  CHECK_FALSE(if_none_match_matches("\"b\"", "\"b\" "));
  CHECK_FALSE(if_none_match_matches("\"b\"", ""));
  CHECK(if_none_match_matches("*", "b"));
}

TEST_CASE("If-Match: star and strong comparison", "[etag]") {
  const std::string_view tag = "\"abc-1\"";
  CHECK(if_match_matches("*", tag));
  CHECK(if_match_matches("*", "W/\"abc-1\""));
  CHECK(if_match_matches("\"abc-1\"", tag));
  CHECK(if_match_matches("\"x\", \"abc-1\"", tag));
  CHECK(if_match_matches("  \"x\" , , \"abc-1\"  ", tag));
  CHECK_FALSE(if_match_matches("W/\"abc-1\"", tag));
  CHECK_FALSE(if_match_matches("\"abc-1\"", "W/\"abc-1\""));
  CHECK_FALSE(if_match_matches("W/\"abc-1\"", "W/\"abc-1\""));
  CHECK_FALSE(if_match_matches("\"abc-2\"", tag));
  CHECK_FALSE(if_match_matches("", tag));
}

TEST_CASE("If-Match: a malformed member spoils the whole list", "[etag]") {
  const std::string_view tag = "\"a\"";
  CHECK_FALSE(if_match_matches("\"a\", b", tag));
  CHECK_FALSE(if_match_matches("b, \"a\"", tag));
  CHECK_FALSE(if_match_matches("\"a\" \"a\"", tag));
  CHECK_FALSE(if_match_matches("\"a\", \"", tag));
}

TEST_CASE("a formatted etag matches itself", "[etag]") {
  const std::string tag = etag(4096, 1700000000000000000);
  CHECK(if_match_matches(tag, tag));
  CHECK(if_none_match_matches(tag, tag));
  CHECK(if_none_match_matches("W/" + tag, tag));
  CHECK_FALSE(if_match_matches("W/" + tag, tag));
}
