#include "http/http_date.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <ctime>
#include <string>

using h1::http::format_http_date;
using h1::http::kHttpDateLength;
using h1::http::parse_http_date;

namespace {

std::string format(std::int64_t t) {
  std::array<char, kHttpDateLength> buf{};
  const std::size_t n = format_http_date(t, buf);
  return std::string(buf.data(), n);
}

bool parses_to(std::string_view s, std::int64_t expected) {
  std::int64_t t = -12345;
  return parse_http_date(s, t) && t == expected;
}

bool rejected(std::string_view s) {
  std::int64_t t = -12345;
  return !parse_http_date(s, t) && t == -12345;
}

constexpr std::int64_t kFirst = -62167219200;  // 0000-01-01 00:00:00
constexpr std::int64_t kLast = 253402300799;   // 9999-12-31 23:59:59

}  // namespace

TEST_CASE("format_http_date writes IMF-fixdate", "[http_date]") {
  CHECK(format(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(format(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
  CHECK(format(951868799) == "Tue, 29 Feb 2000 23:59:59 GMT");
  CHECK(format(2147483647) == "Tue, 19 Jan 2038 03:14:07 GMT");
  CHECK(format(2147483648) == "Tue, 19 Jan 2038 03:14:08 GMT");
  CHECK(format(4107542400) == "Mon, 01 Mar 2100 00:00:00 GMT");
  CHECK(format(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
  CHECK(format(-86400) == "Wed, 31 Dec 1969 00:00:00 GMT");
  CHECK(format(-2203891200) == "Thu, 01 Mar 1900 00:00:00 GMT");
  CHECK(format(kLast) == "Fri, 31 Dec 9999 23:59:59 GMT");
  CHECK(format(kFirst) == "Sat, 01 Jan 0000 00:00:00 GMT");
}

TEST_CASE("format_http_date refuses small buffers and out-of-range years", "[http_date]") {
  std::array<char, kHttpDateLength + 1> buf{};
  buf.fill('#');
  CHECK(format_http_date(0, std::span<char>(buf.data(), kHttpDateLength - 1)) == 0);
  CHECK(buf[0] == '#');
  CHECK(format_http_date(kLast + 1, buf) == 0);
  CHECK(format_http_date(kFirst - 1, buf) == 0);
  CHECK(format_http_date(INT64_MAX, buf) == 0);
  CHECK(format_http_date(INT64_MIN, buf) == 0);
  CHECK(buf[0] == '#');
  CHECK(format_http_date(0, buf) == kHttpDateLength);
  CHECK(buf[kHttpDateLength] == '#');
}

TEST_CASE("format agrees with gmtime over a sweep", "[http_date]") {
  // gmtime is only the test's oracle; the implementation does its own calendar arithmetic.
  const std::int64_t from = -30610224000;  // 1000-01-01
  for (std::int64_t t = from; t < kLast; t += 7919LL * 86400 + 3607) {
    const auto tt = static_cast<std::time_t>(t);
    std::tm tm{};
    REQUIRE(gmtime_r(&tt, &tm) != nullptr);
    std::array<char, 64> expected{};
    const std::size_t n =
        std::strftime(expected.data(), expected.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    INFO("t = " << t);
    REQUIRE(format(t) == std::string(expected.data(), n));
  }
}

TEST_CASE("format then parse round-trips", "[http_date]") {
  const std::int64_t samples[] = {
      0,           1,          59,         60,           86399,      86400,
      784111777,   951782400,  951868799,  951868800,    1078012800, 1709164800,
      2147483647,  2147483648, 4107542400, 4294967296,   -1,         -86400,
      -2203891200, kFirst,     kLast,      kLast - 86400};
  for (const std::int64_t t : samples) {
    INFO("t = " << t);
    CHECK(parses_to(format(t), t));
  }
  for (std::int64_t t = kFirst; t <= kLast; t += 104729LL * 3613) {
    INFO("t = " << t);
    REQUIRE(parses_to(format(t), t));
  }
}

TEST_CASE("the three example forms of RFC 9110 give the same instant", "[http_date]") {
  CHECK(parses_to("Sun, 06 Nov 1994 08:49:37 GMT", 784111777));
  CHECK(parses_to("Sunday, 06-Nov-94 08:49:37 GMT", 784111777));
  CHECK(parses_to("Sun Nov  6 08:49:37 1994", 784111777));
  CHECK(parses_to("Sun Nov 06 08:49:37 1994", 784111777));  // 2DIGIT day is also allowed
}

TEST_CASE("rfc850 two-digit years use a fixed 1970-2069 window", "[http_date]") {
  CHECK(parses_to("Thursday, 01-Jan-70 00:00:00 GMT", 0));
  CHECK(parses_to("Friday, 31-Dec-99 23:59:59 GMT", 946684799));
  CHECK(parses_to("Saturday, 01-Jan-00 00:00:00 GMT", 946684800));
  CHECK(parses_to("Tuesday, 31-Dec-69 23:59:59 GMT", 3155759999));
}

TEST_CASE("leap days and leap seconds", "[http_date]") {
  CHECK(parses_to("Tue, 29 Feb 2000 00:00:00 GMT", 951782400));
  CHECK(parses_to("Sun, 29 Feb 2004 00:00:00 GMT", 1078012800));
  CHECK(rejected("Thu, 29 Feb 1900 00:00:00 GMT"));
  CHECK(rejected("Sat, 29 Feb 2003 00:00:00 GMT"));
  CHECK(rejected("Wed, 29 Feb 2100 00:00:00 GMT"));
  CHECK(parses_to("Sat, 31 Dec 2016 23:59:60 GMT", 1483228800));
  CHECK(rejected("Sat, 31 Dec 2016 23:59:61 GMT"));
}

TEST_CASE("the day name is checked for spelling but not against the date", "[http_date]") {
  CHECK(parses_to("Mon, 06 Nov 1994 08:49:37 GMT", 784111777));
  CHECK(rejected("Xyz, 06 Nov 1994 08:49:37 GMT"));
  CHECK(rejected("Sundy, 06-Nov-94 08:49:37 GMT"));
}

TEST_CASE("malformed dates are rejected", "[http_date]") {
  const char* bad[] = {
      "",
      "Sun",
      "Sun, 06 Nov 1994 08:49:37",
      "Sun, 06 Nov 1994 08:49:37 GMT ",
      " Sun, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 gmt",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "sun, 06 Nov 1994 08:49:37 GMT",
      "SUN, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 nov 1994 08:49:37 GMT",
      "Sun, 06 NOV 1994 08:49:37 GMT",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun,  06 Nov 1994 08:49:37 GMT",
      "Sun,06 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 94 08:49:37 GMT",
      "Sun, 06 Nov 1994 8:49:37 GMT",
      "Sun, 06 Nov 1994 08:49 GMT",
      "Sun, 06 Nov 1994 08-49-37 GMT",
      "Sun, 06 Nov +994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:3x GMT",
      "Sun, 00 Nov 1994 08:49:37 GMT",
      "Sun, 31 Nov 1994 08:49:37 GMT",
      "Sun, 32 Jan 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06-Nov-94 08:49:37 GMT",
      "Sunday, 06-Nov-1994 08:49:37 GMT",
      "Sunday, 06 Nov 94 08:49:37 GMT",
      "Sunday, 06-Nov-94 08:49:37",
      "sunday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov 6 08:49:37 1994",
      "Sun Nov  6 08:49:37 1994 ",
      "Sun Nov  6 08:49:37 94",
      "Sun Nov   6 08:49:37 1994",
      "Sun, Nov  6 08:49:37 1994",
      "Sun Nov  6 08:49:37 1994 GMT",
      "Sun Nov  0 08:49:37 1994",
      "784111777",
  };
  for (const char* s : bad) {
    INFO(s);
    CHECK(rejected(s));
  }
  CHECK(rejected(std::string_view("Sun, 06 Nov 1994 08:49:37 GMT\0", 30)));
}
