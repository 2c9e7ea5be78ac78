#include "http/range.h"

#include <catch2/catch.hpp>

#include <cstdint>

using h1::http::parse_range;
using h1::http::RangeStatus;

namespace {

bool satisfiable(std::string_view v, std::uint64_t size, std::uint64_t first, std::uint64_t last) {
  const auto r = parse_range(v, size);
  return r.status == RangeStatus::satisfiable && r.range.first == first && r.range.last == last;
}

bool ignored(std::string_view v, std::uint64_t size) {
  return parse_range(v, size).status == RangeStatus::ignore;
}

bool unsatisfiable(std::string_view v, std::uint64_t size) {
  return parse_range(v, size).status == RangeStatus::unsatisfiable;
}

}  // namespace

TEST_CASE("first-last ranges", "[range]") {
  CHECK(satisfiable("bytes=0-0", 100, 0, 0));
  CHECK(satisfiable("bytes=0-99", 100, 0, 99));
  CHECK(satisfiable("bytes=10-20", 100, 10, 20));
  CHECK(satisfiable("bytes=99-99", 100, 99, 99));
  CHECK(satisfiable("bytes=50-1000", 100, 50, 99));  // last clamped
  CHECK(satisfiable("bytes=0-18446744073709551615", 100, 0, 99));
}

TEST_CASE("open-ended ranges", "[range]") {
  CHECK(satisfiable("bytes=0-", 100, 0, 99));
  CHECK(satisfiable("bytes=99-", 100, 99, 99));
  CHECK(satisfiable("bytes=42-", 100, 42, 99));
}

TEST_CASE("suffix ranges", "[range]") {
  CHECK(satisfiable("bytes=-1", 100, 99, 99));
  CHECK(satisfiable("bytes=-10", 100, 90, 99));
  CHECK(satisfiable("bytes=-100", 100, 0, 99));
  CHECK(satisfiable("bytes=-500", 100, 0, 99));  // longer than the representation: all of it
  CHECK(satisfiable("bytes=-18446744073709551615", 100, 0, 99));
}

TEST_CASE("unit is case-insensitive and OWS may surround the spec", "[range]") {
  CHECK(satisfiable("BYTES=1-2", 10, 1, 2));
  CHECK(satisfiable("Bytes=1-2", 10, 1, 2));
  CHECK(satisfiable("bytes= 1-2", 10, 1, 2));
  CHECK(satisfiable("bytes=1-2 \t", 10, 1, 2));
  CHECK(satisfiable("bytes=\t-3 ", 10, 7, 9));
  CHECK(satisfiable("bytes=1-2,", 10, 1, 2));  // empty list elements are legal
  CHECK(satisfiable("bytes=, ,1-2, ", 10, 1, 2));
}

TEST_CASE("unsatisfiable ranges", "[range]") {
  CHECK(unsatisfiable("bytes=100-", 100));
  CHECK(unsatisfiable("bytes=100-200", 100));
  CHECK(unsatisfiable("bytes=18446744073709551615-", 100));
  CHECK(unsatisfiable("bytes=-0", 100));
  CHECK(unsatisfiable("bytes=-00", 100));
  CHECK(unsatisfiable("bytes=0-", 0));
  CHECK(unsatisfiable("bytes=0-0", 0));
  CHECK(unsatisfiable("bytes=-1", 0));
  CHECK(unsatisfiable("bytes=-0", 0));
}

TEST_CASE("several ranges are ignored", "[range]") {
  CHECK(ignored("bytes=0-1,2-3", 100));
  CHECK(ignored("bytes=0-1, -5", 100));
  CHECK(ignored("bytes=0-1,0-1", 100));
  CHECK(ignored("bytes=200-300,0-1", 100));
}

TEST_CASE("other units and malformed values are ignored", "[range]") {
  for (const char* v : {"",
                        "bytes",
                        "bytes=",
                        "bytes= ",
                        "bytes=,",
                        "bytes=-",
                        "bytes=--1",
                        "bytes=1",
                        "bytes=a-b",
                        "bytes=1-b",
                        "bytes=a-1",
                        "bytes=1-2-3",
                        "bytes=1 -2",
                        "bytes=1- 2",
                        "bytes=+1-2",
                        "bytes=0x1-2",
                        "bytes=1.5-2",
                        "bytes =1-2",
                        " bytes=1-2",
                        "byte=1-2",
                        "bytesx=1-2",
                        "items=1-2",
                        "=1-2",
                        "bytes:1-2",
                        "bytes=1-2;x",
                        "bytes=-1-2",
                        "bytes=- 1"}) {
    INFO(v);
    CHECK(ignored(v, 100));
  }
}

TEST_CASE("a reversed range is invalid, not unsatisfiable", "[range]") {
  CHECK(ignored("bytes=5-4", 100));
  CHECK(ignored("bytes=500-400", 100));
  CHECK(ignored("bytes=5-4", 0));
}

TEST_CASE("digits beyond uint64 are ignored", "[range]") {
  CHECK(ignored("bytes=18446744073709551616-", 100));
  CHECK(ignored("bytes=0-18446744073709551616", 100));
  CHECK(ignored("bytes=-18446744073709551616", 100));
  CHECK(ignored("bytes=99999999999999999999999-", 100));
}

TEST_CASE("ranges of the largest representation", "[range]") {
  constexpr std::uint64_t kMax = UINT64_MAX;
  CHECK(satisfiable("bytes=0-", kMax, 0, kMax - 1));
  CHECK(satisfiable("bytes=-18446744073709551615", kMax, 0, kMax - 1));
  CHECK(satisfiable("bytes=18446744073709551614-", kMax, kMax - 1, kMax - 1));
  CHECK(unsatisfiable("bytes=18446744073709551615-", kMax));
}
