#include "grade/judge.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace h1spec;

namespace {

struct Fixture {
  std::filesystem::path dir;
  ExpectedFiles files;
  Fixture() : dir(make_dir()), files(dir.string()) {
    std::ofstream(dir / "index.html") << "<p>hi</p>";
    std::ofstream(dir / "digits.txt") << "0123456789";
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  static std::filesystem::path make_dir() {
    char tmpl[] = "/tmp/h1spec-judge-XXXXXX";
    return mkdtemp(tmpl);
  }
};

Case parse_one(const std::string& expect, const std::string& level = "MUST") {
  const std::string text = "# T\n### EX-CASE: c\n> RFC 9110 §1: \"x\"\nmeta: level=" + level +
                           "\n```http\nGET / HTTP/1.1\n\n```\n```expect\n" + expect + "\n```\n";
  CaseFile f = parse_case_file(text, "t.md");
  REQUIRE(f.errors.empty());
  return f.cases.at(0);
}

Response response(int status, std::string body,
                  std::vector<std::pair<std::string, std::string>> fields = {}) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.fields = std::move(fields);
  return r;
}

}  // namespace

TEST_CASE("status, fields and file bodies decide PASS or FAIL", "[judge]") {
  Fixture fx;
  const Case c = parse_one("status 200\nheader Content-Type ~ TEXT/html\nbody-file index.html");
  Observation ok;
  ok.responses.push_back(
      response(200, "<p>hi</p>", {{"Content-Type", "text/html; charset=utf-8"}}));
  CHECK(judge(c, ok, fx.files, Profile::rfc).verdict == Verdict::pass);

  Observation wrong_body = ok;
  wrong_body.responses[0].body = "<p>ho</p>";
  const Judgement j = judge(c, wrong_body, fx.files, Profile::rfc);
  CHECK(j.verdict == Verdict::fail);
  CHECK(j.reason ==
        "body (9 bytes) differs from index.html (9 bytes) at byte 4: 0x6f, expected 0x69");

  Observation wrong_status = ok;
  wrong_status.responses[0].status = 404;
  CHECK(judge(c, wrong_status, fx.files, Profile::rfc).reason == "status 404, expected 200");

  Observation none;
  none.read_error = "no response";
  CHECK(judge(c, none, fx.files, Profile::rfc).reason ==
        "expected 1 response(s), got 0 (no response)");
}

TEST_CASE("connection expectations", "[judge]") {
  Fixture fx;
  const Case closed = parse_one("status 400\nconnection closed");
  Observation obs;
  obs.responses.push_back(response(400, "bad"));
  CHECK(judge(closed, obs, fx.files, Profile::rfc).verdict == Verdict::fail);
  obs.closed = true;
  CHECK(judge(closed, obs, fx.files, Profile::rfc).verdict == Verdict::pass);
  obs.responses.push_back(response(200, "<p>hi</p>"));
  CHECK(judge(closed, obs, fx.files, Profile::rfc).reason ==
        "1 unexpected response(s) after the expected ones");

  const Case open = parse_one("status 200\nconnection open");
  Observation kept;
  kept.responses.push_back(response(200, ""));
  kept.canary_detail = "no answer to the canary";
  kept.canary_ok = false;
  CHECK(judge(open, kept, fx.files, Profile::rfc).reason ==
        "canary on the same connection failed: no answer to the canary");
  kept.canary_ok = true;
  CHECK(judge(open, kept, fx.files, Profile::rfc).verdict == Verdict::pass);
  kept.trailing_bytes = 3;
  CHECK(judge(open, kept, fx.files, Profile::rfc).verdict == Verdict::fail);
}

TEST_CASE("a FAIL names what broke in the nearest accepted outcome, and what was seen", "[judge]") {
  Fixture fx;
  // 400 and a close, or 200 and a close: a 200 that keeps the connection open is wrong
  // because of the connection, not because it is not a 400.
  const Case c = parse_one("status 400\nconnection closed\nor\nstatus 200\nconnection closed");
  Observation kept;
  kept.responses.push_back(response(200, ""));
  kept.closed_checked = true;
  CHECK(judge(c, kept, fx.files, Profile::rfc).reason ==
        "the connection stayed open; expected the server to close it (got 200, then the "
        "connection stayed open)");
  Observation other;
  other.responses.push_back(response(500, ""));
  other.closed = true;
  CHECK(judge(c, other, fx.files, Profile::rfc).reason ==
        "status 500, expected 400 (got 500, then a close)");
  Observation none;
  none.closed = true;
  CHECK(judge(c, none, fx.files, Profile::rfc).reason ==
        "expected 1 response(s), got 0 (got no response, then a close)");
}

TEST_CASE("a body that differs from its file names the first differing byte", "[judge]") {
  Fixture fx;
  const Case c = parse_one("status 200\nbody-file digits.txt");
  Observation obs;
  obs.responses.push_back(response(200, "0123x56789"));
  CHECK(judge(c, obs, fx.files, Profile::rfc).reason ==
        "body (10 bytes) differs from digits.txt (10 bytes) at byte 4: 0x78, expected 0x34");
  obs.responses[0].body = "01234";
  CHECK(judge(c, obs, fx.files, Profile::rfc).reason ==
        "body (5 bytes) differs from digits.txt (10 bytes): it stops at byte 5");
}

TEST_CASE("levels, warn alternatives and profiles", "[judge]") {
  Fixture fx;
  const Case c = parse_one("status 400\nor warn: accepted\nstatus 200");
  Observation lenient;
  lenient.responses.push_back(response(200, ""));
  const Judgement w = judge(c, lenient, fx.files, Profile::rfc);
  CHECK(w.verdict == Verdict::warn);
  CHECK(w.reason == "accepted");
  CHECK(judge(c, lenient, fx.files, Profile::lenient).verdict == Verdict::pass);
  Observation other;
  other.responses.push_back(response(500, ""));
  CHECK(judge(c, other, fx.files, Profile::rfc).verdict == Verdict::fail);
  CHECK(judge(parse_one("status 400", "MAY"), other, fx.files, Profile::rfc).verdict ==
        Verdict::warn);
  CHECK(judge(parse_one("status 400", "SHOULD"), other, fx.files, Profile::rfc).verdict ==
        Verdict::fail);
  CHECK(judge(parse_one("status 400", "SHOULD"), other, fx.files, Profile::lenient).verdict ==
        Verdict::warn);
}

TEST_CASE("interim responses are skipped unless expected", "[judge]") {
  Fixture fx;
  Observation obs;
  obs.responses.push_back(response(100, ""));
  obs.responses.push_back(response(405, ""));
  CHECK(judge(parse_one("status 405"), obs, fx.files, Profile::rfc).verdict == Verdict::pass);
  CHECK(judge(parse_one("status 100\nresponse\nstatus 405"), obs, fx.files, Profile::rfc).verdict ==
        Verdict::pass);
}

TEST_CASE("the canary checks status and body", "[judge]") {
  Fixture fx;
  std::string why;
  CHECK(canary_matches(response(200, "<p>hi</p>"), fx.files, why));
  CHECK_FALSE(canary_matches(response(200, "<p>h</p>"), fx.files, why));
  CHECK(why == "canary body differs from index.html");
  CHECK_FALSE(canary_matches(response(404, ""), fx.files, why));
  CHECK(canary_request("h:1") == "GET /index.html HTTP/1.1\r\nHost: h:1\r\n\r\n");
}

TEST_CASE("cut-response: a head whose body the close cut short, and nothing else", "[judge]") {
  Fixture fx;
  const Case c = parse_one("status 502\nor\ncut-response\nconnection closed");
  Observation cut;
  cut.cut_response = true;
  cut.closed = true;
  cut.trailing_bytes = 40;
  CHECK(judge(c, cut, fx.files, Profile::rfc).verdict == Verdict::pass);
  Observation open = cut;
  open.closed = false;
  CHECK(judge(c, open, fx.files, Profile::rfc).verdict == Verdict::fail);
  Observation silent;  // a close with no bytes at all is no cut response
  silent.closed = true;
  CHECK(judge(c, silent, fx.files, Profile::rfc).verdict == Verdict::fail);
  Observation whole;
  whole.responses.push_back(response(200, "reply 1"));
  whole.closed = true;
  CHECK(judge(c, whole, fx.files, Profile::rfc).verdict == Verdict::fail);
}
