#include "spec/waiver.h"

#include <catch2/catch.hpp>

using namespace h1spec;

TEST_CASE("a waiver file parses into waivers", "[waiver]") {
  const WaiverFile f = parse_waivers(
      "# comment\n\ncase: A-ONE\nreason: known\nlink: https://x/1\nexpires: 2027-01-31\n"
      "\ncase: B-TWO\r\nreason: also known\r\nexpires: 2024-02-29\r\n",
      "t.txt");
  REQUIRE(f.errors.empty());
  REQUIRE(f.waivers.size() == 2);
  CHECK(f.waivers[0].case_id == "A-ONE");
  CHECK(f.waivers[0].reason == "known");
  CHECK(f.waivers[0].link == "https://x/1");
  CHECK(f.waivers[0].expires == "2027-01-31");
  CHECK(f.waivers[0].line == 3);
  CHECK(f.waivers[1].case_id == "B-TWO");
  CHECK(f.waivers[1].link.empty());
  CHECK(f.waivers[1].expires == "2024-02-29");
}

TEST_CASE("a malformed waiver names the file and line", "[waiver]") {
  auto first_error = [](const char* text) {
    const WaiverFile f = parse_waivers(text, "w.txt");
    return f.errors.empty() ? std::string() : f.errors.front();
  };
  CHECK(first_error("reason: x\n") == "w.txt:1: a waiver starts with \"case: ID\"");
  CHECK(first_error("case: A\nreason: x\nexpires: 2027-13-01\n") ==
        "w.txt:3: expires must be a date YYYY-MM-DD");
  CHECK(first_error("case: A\nexpires: 2027-01-01\n") == "w.txt:2: A: reason: is required");
  CHECK(first_error("case: A\nreason: x\n\n") == "w.txt:3: A: expires: is required");
  CHECK(first_error("case: A\nowner: me\n") ==
        "w.txt:2: unknown key \"owner\" (case, reason, link, expires)");
  CHECK(first_error("case: A\nno colon here\n") == "w.txt:2: expected \"key: value\"");
}

TEST_CASE("dates are real calendar dates", "[waiver]") {
  CHECK(valid_date("2024-02-29"));
  CHECK(valid_date("2000-02-29"));
  CHECK_FALSE(valid_date("2023-02-29"));
  CHECK_FALSE(valid_date("1900-02-29"));
  CHECK_FALSE(valid_date("2027-04-31"));
  CHECK_FALSE(valid_date("2027-00-10"));
  CHECK_FALSE(valid_date("2027-1-10"));
  CHECK_FALSE(valid_date("27-01-10xx"));
  CHECK(valid_date(today_utc()));
}
