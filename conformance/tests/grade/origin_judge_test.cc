#include "grade/origin_judge.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "spec/case_file.h"

using namespace h1spec;

namespace {

OriginExpect parse_expect(const std::string& block) {
  const std::string text =
      "# T\n### EX-PROXY: p\n> RFC 9110 §7.6: \"x\"\nmeta: level=MUST tags=proxy\n"
      "```http\nGET / HTTP/1.1\n\n```\n```origin-expect\n" +
      block + "\n```\n```expect\nstatus 200\n```\n";
  CaseFile f = parse_case_file(text, "p.md");
  INFO((f.errors.empty() ? "" : f.errors.front().describe()));
  REQUIRE(f.errors.empty());
  return *f.cases.at(0).origin_expect;
}

Request request(std::string method, std::string target,
                std::vector<std::pair<std::string, std::string>> fields = {},
                std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.version = "HTTP/1.1";
  r.fields = std::move(fields);
  r.body = std::move(body);
  return r;
}

Judgement judge(const std::string& block, const std::vector<Request>& at_origin) {
  return judge_origin(parse_expect(block), at_origin);
}

const std::string kForwarded =
    "request GET /index.html\nversion HTTP/1.1\nheader Host\nno-header Connection\n"
    "header Via\nheader X-A: 1\nheader Accept ~ HTML\nbody \"\"";

}  // namespace

TEST_CASE("origin judge: an honest forward passes", "[origin_judge]") {
  const Request r =
      request("GET", "/index.html",
              {{"Host", "a"}, {"Via", "1.1 p"}, {"x-a", "1"}, {"Accept", "text/html"}});
  const Judgement j = judge(kForwarded, {r});
  CHECK(j.verdict == Verdict::pass);
  CHECK(j.reason.empty());
}

TEST_CASE("origin judge: the first mismatch is named", "[origin_judge]") {
  const std::vector<std::pair<std::string, std::string>> ok = {
      {"Host", "a"}, {"Via", "1.1 p"}, {"X-A", "1"}, {"Accept", "text/html"}};
  auto with = [&](std::string name, std::string value) {
    auto f = ok;
    f.emplace_back(std::move(name), std::move(value));
    return f;
  };
  auto without = [&](const std::string& name) {
    auto f = ok;
    f.erase(std::remove_if(f.begin(), f.end(), [&](const auto& p) { return p.first == name; }),
            f.end());
    return f;
  };
  auto reason = [&](const Request& r) { return judge(kForwarded, {r}).reason; };
  CHECK(reason(request("POST", "/index.html", ok)) ==
        "request 1: method is \"POST\", expected GET");
  CHECK(reason(request("GET", "http://a/index.html", ok)) ==
        "request 1: target is \"http://a/index.html\", expected /index.html");
  Request old = request("GET", "/index.html", ok);
  old.version = "HTTP/1.0";
  CHECK(reason(old) == "request 1: version is \"HTTP/1.0\", expected HTTP/1.1");
  CHECK(reason(request("GET", "/index.html", without("Host"))) ==
        "request 1: header Host should be present");
  // Two Connection lines are judged as one value, joined with ", ".
  auto two = with("connection", "keep-alive");
  two.emplace_back("Connection", "x-a");
  CHECK(reason(request("GET", "/index.html", two)) ==
        "request 1: header Connection should be absent, was \"keep-alive, x-a\"");
  CHECK(reason(request("GET", "/index.html", without("X-A"))) ==
        "request 1: header X-A should be \"1\", was absent");
  auto wrong = without("X-A");
  wrong.emplace_back("X-A", "2");
  CHECK(reason(request("GET", "/index.html", wrong)) ==
        "request 1: header X-A is \"2\", expected \"1\"");
  auto plain = without("Accept");
  CHECK(reason(request("GET", "/index.html", plain)) ==
        "request 1: header Accept should contain \"HTML\", was absent");
  plain.emplace_back("Accept", "text/plain");
  CHECK(reason(request("GET", "/index.html", plain)) ==
        "request 1: header Accept is \"text/plain\", expected it to contain \"HTML\"");
  CHECK(reason(request("GET", "/index.html", ok, "x\r\n")) ==
        "request 1: body is \"x\\r\\n\", expected \"\"");
}

TEST_CASE("origin judge: counts", "[origin_judge]") {
  const Request r = request("GET", "/");
  CHECK(judge("request", {r, r}).reason == "2 requests reached the origin, expected 1");
  CHECK(judge("request", {}).reason == "0 requests reached the origin, expected 1");
  CHECK(judge("nothing forwarded", {r}).reason ==
        "nothing should be forwarded, 1 request reached the origin");
  CHECK(judge("nothing forwarded", {}).verdict == Verdict::pass);
  CHECK(judge("requests 2\nrequest GET", {r, r}).verdict == Verdict::pass);
  CHECK(judge("requests at most 1\nrequest GET", {}).verdict == Verdict::pass);
  CHECK(judge("requests at most 1\nrequest GET", {r}).verdict == Verdict::pass);
  CHECK(judge("requests at most 1\nrequest POST", {r}).reason ==
        "request 1: method is \"GET\", expected POST");
  CHECK(judge("requests at most 1", {r, r}).reason ==
        "2 requests reached the origin, expected at most 1");
}

TEST_CASE("origin judge: body statements", "[origin_judge]") {
  const Request r = request("POST", "/", {}, "hello");
  CHECK(judge("body-length 5", {r}).verdict == Verdict::pass);
  CHECK(judge("body-length 4", {r}).reason == "request 1: body is 5 bytes, expected 4");
  CHECK(judge("body-empty", {r}).reason == "request 1: body should be empty, was 5 bytes");
  CHECK(judge("body-empty", {request("GET", "/")}).verdict == Verdict::pass);
  CHECK(judge("body \"hello\"", {r}).verdict == Verdict::pass);
}

TEST_CASE("origin judge: alternatives, warn and the nearest miss", "[origin_judge]") {
  const Request get = request("GET", "/");
  const std::string block =
      "nothing forwarded\nor warn: forwarded without a fix\nrequest GET /\nheader Via";
  CHECK(judge(block, {}).verdict == Verdict::pass);
  const Judgement warned = judge(block, {request("GET", "/", {{"Via", "1.1 p"}})});
  CHECK(warned.verdict == Verdict::warn);
  CHECK(warned.reason == "forwarded without a fix");
  // The second alternative got as far as request 1, so its reason is the one reported.
  const Judgement failed = judge(block, {get});
  CHECK(failed.verdict == Verdict::fail);
  CHECK(failed.reason == "request 1: header Via should be present");
  CHECK(judge("nothing forwarded\nor warn: x\nrequest\nor\nrequest GET", {get}).verdict ==
        Verdict::pass);
}

TEST_CASE("origin judge: bytes the origin could not read were forwarded all the same",
          "[origin_judge]") {
  const OriginExpect nothing = parse_expect("nothing forwarded\nor\nrequests 1");
  CHECK(judge_origin(nothing, {}).verdict == Verdict::pass);
  const Judgement j = judge_origin(nothing, {}, {"obs-fold in a field value"});
  CHECK(j.verdict == Verdict::fail);
  CHECK(j.reason ==
        "the proxy forwarded bytes that are not a valid request (obs-fold in a field value)");
  // Even an `or warn` alternative does not cover them.
  const OriginExpect lenient = parse_expect("nothing forwarded\nor warn: repaired\nrequests 1");
  CHECK(judge_origin(lenient, {request("GET", "/")}, {"bare LF"}).verdict == Verdict::fail);
}
