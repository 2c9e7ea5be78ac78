#include "grade/proxy_replay.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "spec/case_file.h"
#include "wire/wire_connection.h"

using namespace h1spec;
using namespace std::chrono_literals;

namespace {

constexpr auto kWait = 10s;  // generous: only a broken origin makes a test wait this long

// One proxy case: origin-reply blocks, an origin-expect block and an expect block.
Case parse_one(const std::string& level, const std::string& blocks) {
  const std::string text = "# T\n### PX-T: p\n> RFC 9110 §7.6: \"x\"\nmeta: level=" + level +
                           " tags=proxy\n```http\nGET /a HTTP/1.1\nHost: {{host}}\n\n```\n" +
                           blocks + "```expect\nstatus 200\n```\n";
  CaseFile f = parse_case_file(text, "p.md");
  INFO((f.errors.empty() ? "" : f.errors.front().describe()));
  REQUIRE(f.errors.empty());
  return f.cases.at(0);
}

// Stands in for "the client side through a proxy": writes `forward` straight to the origin
// (a proxy would), reads its answer, and says the client got `finals` final responses.
ClientSide fake_proxy(const origin::RecordingOrigin& o, const std::string& client_bytes,
                      const std::string& forward, std::size_t finals, Verdict client_verdict) {
  return [&o, client_bytes, forward, finals, client_verdict](const ExchangeEnd& end) {
    WireConnection conn;
    Endpoint ep;
    ep.host = "127.0.0.1";
    ep.port = o.port();
    std::string error;
    REQUIRE(conn.connect(ep, kWait, error));
    REQUIRE(conn.send_all(forward, Clock::now() + kWait));
    REQUIRE(o.wait_for_requests(1, kWait));
    Observation obs;
    Response r;
    r.status = 200;
    obs.responses.assign(finals, r);
    end([&obs]() -> const Observation& { return obs; });
    ReplayRecord rec;
    rec.sent = client_bytes;
    rec.judgement = {client_verdict, client_verdict == Verdict::pass ? "" : "client side"};
    return rec;
  };
}

const std::string kGet = "GET /a HTTP/1.1\r\nHost: p\r\n\r\n";

}  // namespace

TEST_CASE("origin_script: replies in order, close and close without reply", "[proxy_replay]") {
  const Case c = parse_one("MUST",
                           "```origin-reply\nHTTP/1.1 200 OK\nX: {{host}}\n\n```\n"
                           "```origin-reply close\nHTTP/1.1 204 No Content\n\n```\n"
                           "```origin-reply close\n```\n");
  const origin::Script s = origin_script(c, "127.0.0.1:9");
  REQUIRE(s.replies.size() == 3);
  CHECK(s.replies[0].bytes == "HTTP/1.1 200 OK\r\nX: 127.0.0.1:9\r\n\r\n");
  CHECK(s.replies[0].after == origin::AfterReply::keep_open);
  CHECK(s.replies[1].after == origin::AfterReply::close);
  CHECK(s.replies[2].bytes.empty());
  CHECK(s.replies[2].after == origin::AfterReply::close_without_reply);
  CHECK_FALSE(s.relay);
}

TEST_CASE("replay_through_proxy: both sides pass, the view is what reached the origin",
          "[proxy_replay]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  const Case c = parse_one("MUST", "```origin-expect\nrequest GET /a\n```\n");
  const ReplayRecord r =
      replay_through_proxy(c, "p", o, RunOptions{}, fake_proxy(o, kGet, kGet, 1, Verdict::pass));
  CHECK(r.judgement.verdict == Verdict::pass);
  REQUIRE(r.origin);
  CHECK(r.origin->graded);
  CHECK(r.origin->smuggling.verdict == SmugglingVerdict::none);
  REQUIRE(r.origin->snapshot.connections.size() == 1);
  CHECK(r.origin->snapshot.connections[0].received == kGet);
}

TEST_CASE("replay_through_proxy: an origin-side miss fails, at MAY level it warns",
          "[proxy_replay]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  const std::string expect = "```origin-expect\nrequest GET /a\nheader X-Must\n```\n";
  const ReplayRecord must = replay_through_proxy(parse_one("MUST", expect), "p", o, RunOptions{},
                                                 fake_proxy(o, kGet, kGet, 1, Verdict::pass));
  CHECK(must.judgement.verdict == Verdict::fail);
  CHECK(must.judgement.reason.starts_with("at the origin: request 1: "));
  const ReplayRecord may = replay_through_proxy(parse_one("MAY", expect), "p", o, RunOptions{},
                                                fake_proxy(o, kGet, kGet, 1, Verdict::pass));
  CHECK(may.judgement.verdict == Verdict::warn);
  CHECK(may.judgement.reason.starts_with("at the origin: MAY: "));
}

TEST_CASE("replay_through_proxy: a request the client never sent is SMUGGLED whatever the level",
          "[proxy_replay]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  const std::string smuggled = kGet + "POST /admin HTTP/1.1\r\nHost: p\r\n\r\n";
  CaseResult result;
  const Case c = parse_one("MAY", "");
  result.test = &c;
  result.verdict = Verdict::warn;
  result.replays.push_back(replay_through_proxy(c, "p", o, RunOptions{},
                                                fake_proxy(o, kGet, smuggled, 1, Verdict::pass)));
  CHECK(result.replays[0].judgement.verdict == Verdict::fail);
  CHECK(result.replays[0].judgement.reason.starts_with("SMUGGLED: origin request 2"));
  // A second replay with two answers to one request: DESYNC, but SMUGGLED is what is marked.
  result.replays.push_back(
      replay_through_proxy(c, "p", o, RunOptions{}, fake_proxy(o, kGet, kGet, 2, Verdict::pass)));
  CHECK(result.replays[1].origin->smuggling.verdict == SmugglingVerdict::desync);
  mark_smuggling(result);
  CHECK(result.danger());
  CHECK(result.smuggling == SmugglingVerdict::smuggled);
  CHECK(result.verdict == Verdict::fail);
  CHECK(result.reason.starts_with("SMUGGLED (whole replay: origin request 2"));
}

TEST_CASE("replay_through_proxy: a case without the proxy tag gets the view only",
          "[proxy_replay]") {
  origin::RecordingOrigin o;
  std::string error;
  REQUIRE(o.start(error));
  const std::string text =
      "# T\n### OC-T: p\n> RFC 9110 §9.3.1: \"x\"\nmeta: level=MUST\n"
      "```http\nGET /a HTTP/1.1\n\n```\n```expect\nstatus 200\n```\n";
  CaseFile f = parse_case_file(text, "o.md");
  REQUIRE(f.errors.empty());
  const ReplayRecord r = replay_through_proxy(f.cases.at(0), "p", o, RunOptions{},
                                              fake_proxy(o, kGet, kGet + kGet, 3, Verdict::fail));
  CHECK(r.judgement.verdict == Verdict::fail);
  CHECK(r.judgement.reason == "client side");
  REQUIRE(r.origin);
  CHECK_FALSE(r.origin->graded);
}
