#include "origin/recording_origin.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "origin/origin_json.h"
#include "wire/wire_connection.h"

using namespace h1spec;
using namespace h1spec::origin;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

// Generous: only a broken origin makes a test wait this long.
constexpr auto kWait = 10s;

struct Client {
  WireConnection conn;
  std::string got;
  bool eof = false;

  explicit Client(int port) {
    Endpoint ep;
    ep.host = "127.0.0.1";
    ep.port = port;
    std::string error;
    REQUIRE(conn.connect(ep, 5s, error));
  }
  void send(const std::string& bytes) { REQUIRE(conn.send_all(bytes, Clock::now() + kWait)); }
  // Reads until `n` bytes arrived in all, or the origin closed, or the deadline passed.
  void read_until(std::size_t n) {
    const auto deadline = Clock::now() + kWait;
    while (got.size() < n && !eof && Clock::now() < deadline) {
      const RecvStatus s = conn.receive(got, deadline);
      if (s == RecvStatus::eof || s == RecvStatus::reset) eof = true;
    }
  }
  void read_to_eof() { read_until(static_cast<std::size_t>(-1)); }
};

RecordingOrigin& started(RecordingOrigin& o) {
  std::string error;
  REQUIRE(o.start(error));
  REQUIRE(o.port() > 0);
  return o;
}

const std::string kGet = "GET /one HTTP/1.1\r\nHost: origin\r\n\r\n";
const std::string kPost =
    "POST /two HTTP/1.1\r\nHost: origin\r\nTransfer-Encoding: chunked\r\n\r\n"
    "3;x=y\r\nab\0\r\n2\r\n\r\n\r\n0\r\nT: v\r\n\r\n"s;
const std::string kPut = "PUT /three HTTP/1.1\r\nContent-Length: 4\r\n\r\n\xff\0\0\0"s;

}  // namespace

TEST_CASE("two pipelined requests on one connection are two records with exact bodies",
          "[origin]") {
  RecordingOrigin origin;
  started(origin);
  const std::string stream = kGet + kPost + kPut;
  Client c(origin.port());
  c.send(stream);
  const std::size_t replies = default_reply(0, false).size() * 3;
  c.read_until(replies);
  CHECK(c.got == default_reply(0, false) + default_reply(1, false) + default_reply(2, false));
  REQUIRE(origin.wait_for_requests(3, kWait));
  const Snapshot s = origin.snapshot();
  REQUIRE(s.connections.size() == 1);
  const RecordedConnection& rec = s.connections[0];
  CHECK(rec.received == stream);
  CHECK(rec.bytes_received == stream.size());
  CHECK_FALSE(rec.malformed());
  REQUIRE(rec.requests.size() == 3);
  CHECK(rec.requests[0].request.target == "/one");
  CHECK(rec.requests[0].request.body.empty());
  CHECK(rec.requests[1].request.body == "ab\0\r\n"s);
  CHECK(rec.requests[1].request.trailers.size() == 1);
  CHECK(rec.requests[1].request.begin == kGet.size());
  CHECK(rec.requests[2].request.body == "\xff\0\0\0"s);
  CHECK(rec.requests[2].request.end == stream.size());
  for (std::size_t i = 0; i < 3; ++i) CHECK(rec.requests[i].index == i);
  CHECK(rec.sent == c.got);
  CHECK(s.requests == 3);
}

TEST_CASE("a scripted invalid reply arrives byte for byte", "[origin]") {
  const std::string invalid = std::string(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
      "\0junk\n\rHTTP/9",
      84);
  RecordingOrigin origin;
  origin.set_script({{Reply{invalid}}});
  started(origin);
  Client c(origin.port());
  c.send(kGet + kGet);
  const std::string expect = invalid + default_reply(1, false);
  c.read_until(expect.size());
  CHECK(c.got == expect);
  CHECK_FALSE(c.eof);
}

TEST_CASE("close after a reply, and close without one", "[origin]") {
  RecordingOrigin origin;
  origin.set_script({{Reply{"HTTP/1.1 204 No Content\r\n\r\n", AfterReply::close},
                      Reply{"never sent", AfterReply::close_without_reply}}});
  started(origin);
  {
    Client c(origin.port());
    c.send(kGet + kGet);  // the second is recorded as bytes but not read: the origin closed
    c.read_to_eof();
    CHECK(c.eof);
    CHECK(c.got == "HTTP/1.1 204 No Content\r\n\r\n");
  }
  {
    Client c(origin.port());
    c.send(kGet);
    c.read_to_eof();
    CHECK(c.eof);
    CHECK(c.got.empty());
  }
  REQUIRE(origin.wait_for_requests(2, kWait));
  const Snapshot s = origin.snapshot();
  REQUIRE(s.connections.size() == 2);
  CHECK(s.connections[0].origin_closed);
  CHECK(s.connections[0].requests.size() == 1);
  CHECK(s.connections[0].received == kGet + kGet);
  CHECK(s.connections[1].origin_closed);
  CHECK(s.connections[1].sent.empty());
  CHECK(s.connections[1].requests.at(0).index == 1);
}

TEST_CASE("a malformed request is recorded with its error and where it begins", "[origin]") {
  RecordingOrigin origin;
  started(origin);
  Client c(origin.port());
  const std::string bad = "GET / HTTP/1.1\r\nHost : a\r\n\r\n";
  c.send(kGet + bad);
  c.read_to_eof();
  CHECK(c.got == default_reply(0, false) + malformed_reply());
  const Snapshot s = origin.snapshot();
  REQUIRE(s.connections.size() == 1);
  const RecordedConnection& rec = s.connections[0];
  CHECK(rec.requests.size() == 1);
  CHECK(rec.malformed());
  CHECK(rec.error == "whitespace between the field name and colon in \"Host \"");
  CHECK(rec.error_offset == kGet.size());
  CHECK(rec.origin_closed);
  CHECK(malformed_json(rec)["offset"] == kGet.size());
  CHECK(s.requests == 1);  // the 400 took no script reply
}

TEST_CASE("a connection closed inside a request is recorded as malformed", "[origin]") {
  RecordingOrigin origin;
  started(origin);
  {
    Client c(origin.port());
    c.send("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    c.conn.shutdown_write();
    c.read_to_eof();
    CHECK(c.got == malformed_reply());
  }
  const auto deadline = Clock::now() + kWait;
  while (origin.snapshot().connections.at(0).error.empty() && Clock::now() < deadline) {
    (void)origin.wait_for_change(origin.snapshot().generation, 100ms);
  }
  const RecordedConnection rec = origin.snapshot().connections.at(0);
  CHECK(rec.error == "connection closed before the Content-Length body ended");
  CHECK(rec.peer_closed);
}

TEST_CASE("snapshots taken while clients run are consistent", "[origin]") {
  RecordingOrigin origin;
  started(origin);
  constexpr int kClients = 4;
  constexpr int kEach = 25;
  // Catch assertions are not thread-safe: each client thread only counts its failures, and
  // the main thread checks them after the join.
  std::atomic<int> client_failures{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&origin, &client_failures, t] {
      WireConnection conn;
      Endpoint ep;
      ep.host = "127.0.0.1";
      ep.port = origin.port();
      std::string error;
      std::string got;
      if (!conn.connect(ep, 5s, error)) {
        ++client_failures;
        return;
      }
      for (int i = 0; i < kEach; ++i) {
        const std::string body = std::to_string(t) + ":" + std::to_string(i);
        const auto deadline = Clock::now() + kWait;
        if (!conn.send_all("POST /c" + std::to_string(t) + " HTTP/1.1\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body,
                           deadline)) {
          ++client_failures;
          return;
        }
        // Wait for the whole reply before the next request (each is "request N\n" long).
        const std::size_t want = got.size() + default_reply(0, false).size();
        while (got.size() < want && Clock::now() < deadline) {
          if (conn.receive(got, deadline) != RecvStatus::data) break;
        }
        if (got.size() < want) {
          ++client_failures;
          return;
        }
      }
    });
  }
  std::uint64_t last_generation = 0;
  std::size_t checks = 0;
  const auto give_up = Clock::now() + 3 * kWait;  // a failed client must not hang the test
  for (bool done = false; !done;) {
    const Snapshot s = origin.snapshot();
    done = s.requests == std::size_t{kClients} * kEach || Clock::now() > give_up;
    CHECK(s.generation >= last_generation);
    last_generation = s.generation;
    std::size_t total = 0;
    for (const RecordedConnection& rec : s.connections) {
      std::size_t pos = 0;
      for (const RecordedRequest& r : rec.requests) {
        CHECK(r.connection == rec.id);
        CHECK(r.request.begin == pos);  // requests tile the stream in order
        CHECK(r.request.end <= rec.received.size());
        pos = r.request.end;
      }
      total += rec.requests.size();
    }
    CHECK(total == s.requests);
    const auto ordered = s.in_order();
    for (std::size_t i = 0; i < ordered.size(); ++i) CHECK(ordered[i]->index == i);
    ++checks;
    if (!done) (void)origin.wait_for_change(s.generation, 1s);
  }
  for (std::thread& t : clients) t.join();
  CHECK(client_failures == 0);
  CHECK(checks > 1);
  const Snapshot s = origin.snapshot();
  REQUIRE(s.connections.size() == kClients);
  for (const RecordedConnection& rec : s.connections) {
    REQUIRE(rec.requests.size() == kEach);
    const std::string prefix = rec.requests[0].request.body.substr(0, 2);
    for (int i = 0; i < kEach; ++i)
      CHECK(rec.requests[i].request.body == prefix + std::to_string(i));
  }
}

TEST_CASE("reset forgets everything and restarts the script", "[origin]") {
  RecordingOrigin origin;
  origin.set_script({{Reply{"HTTP/1.1 204 No Content\r\n\r\n"}}});
  started(origin);
  {
    Client c(origin.port());
    c.send(kGet);
    c.read_until(27);
    CHECK(c.got == "HTTP/1.1 204 No Content\r\n\r\n");
  }
  origin.reset();
  const Snapshot empty = origin.snapshot();
  CHECK(empty.connections.empty());
  CHECK(empty.requests == 0);
  Client c(origin.port());
  c.send("HEAD / HTTP/1.1\r\n\r\n" + kGet);
  const std::string expect = "HTTP/1.1 204 No Content\r\n\r\n" + default_reply(1, false);
  c.read_until(expect.size());
  CHECK(c.got == expect);
  CHECK(default_reply(3, true).find("request") == std::string::npos);
  CHECK(default_reply(3, true).find("Content-Length: 10\r\n") != std::string::npos);
  origin.stop();
  origin.stop();  // idempotent
}

TEST_CASE("the byte and connection caps are flagged", "[origin]") {
  Options options;
  options.max_bytes_per_connection = 100;
  options.max_connections = 2;
  RecordingOrigin origin(options);
  started(origin);
  Client a(origin.port());
  a.send(std::string(300, 'G'));
  Client b(origin.port());
  Client refused(origin.port());
  refused.read_to_eof();
  CHECK(refused.eof);
  const auto deadline = Clock::now() + kWait;
  while (origin.snapshot().connections.at(0).bytes_received < 300 && Clock::now() < deadline) {
    (void)origin.wait_for_change(origin.snapshot().generation, 100ms);
  }
  const Snapshot s = origin.snapshot();
  REQUIRE(s.connections.size() == 2);
  CHECK(s.connections[0].received == std::string(100, 'G'));
  CHECK(s.connections[0].bytes_received == 300);
  CHECK(s.connections[0].truncated);
  CHECK_FALSE(s.connections[1].truncated);
  CHECK(s.refused == 1);
  CHECK(s.connections_capped);
}

TEST_CASE("the origin listens on loopback only, refusing before any socket", "[origin]") {
  for (const char* host : {"0.0.0.0", "192.0.2.1", "example.com", ""}) {
    Options options;
    options.host = host;
    RecordingOrigin origin(options);
    std::string error;
    CHECK_FALSE(origin.start(error));
    CHECK(error == "refusing to listen on " + std::string(host) + ": not a loopback address");
    CHECK(origin.port() == 0);
  }
  Options v6;
  v6.host = "::1";
  RecordingOrigin origin(v6);
  std::string error;
  CHECK_FALSE(origin.start(error));
  CHECK(error == "cannot listen on ::1: only IPv4 loopback (127.0.0.0/8) is supported");
}

TEST_CASE("request_json keeps every byte", "[origin]") {
  RecordedRequest r;
  r.connection = 2;
  r.index = 7;
  r.request.method = "POST";
  r.request.body = std::string("a\0\xff", 3);
  r.request.framing = BodyFraming::chunked;
  const nlohmann::json j = request_json(r);
  CHECK(j["event"] == "request");
  CHECK(j["index"] == 7);
  CHECK(j["framing"] == "chunked");
  CHECK(j["body"].get<std::string>() == std::string("a\0\xc3\xbf", 4));
  CHECK(bytes_as_text("\x80") == "\xc2\x80");
}

TEST_CASE("past the script, an origin with a docroot serves its files", "[origin]") {
  Options o;
  o.docroot = H1SPEC_DOCROOT_FOR_TESTS;
  RecordingOrigin origin(o);
  started(origin);
  Script s;
  s.replies.push_back({"HTTP/1.1 204 No Content\r\n\r\n", AfterReply::keep_open});
  origin.set_script(s);
  Client c(origin.port());
  c.send("GET /a HTTP/1.1\r\nHost: o\r\n\r\nGET /index.html HTTP/1.1\r\nHost: o\r\n\r\n");
  c.read_until(1);
  REQUIRE(origin.wait_for_requests(2, kWait));
  c.read_until(200);
  CHECK(c.got.starts_with("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n"));
  CHECK(c.got.find("Content-Type: text/html") != std::string::npos);
}

TEST_CASE("relay mode passes every byte both ways and still records the requests", "[origin]") {
  // The back end: a scripted origin of its own, which answers the first request with "hi".
  RecordingOrigin backend;
  started(backend);
  Script s;
  s.replies.push_back({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", AfterReply::close});
  backend.set_script(s);
  Options o;
  o.relay_port = backend.port();
  RecordingOrigin relay(o);
  started(relay);
  relay.set_script(Script{{{"HTTP/1.1 500 Not Me\r\n\r\n", AfterReply::keep_open}}, true});
  Client c(relay.port());
  const std::string bad = "GET /x HTTP/1.1\r\nHost: o\r\n\r\nGET /y HTTP/1.1\nHost: o\r\n\r\n";
  c.send(bad);
  c.read_to_eof();
  CHECK(c.got == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
  REQUIRE(backend.wait_for_requests(1, kWait));
  const Snapshot at_backend = backend.snapshot();
  REQUIRE(at_backend.connections.size() == 1);
  CHECK(at_backend.connections[0].received == bad);  // byte for byte, the bare LF too
  const Snapshot seen = relay.snapshot();
  REQUIRE(seen.connections.size() == 1);
  CHECK(seen.connections[0].received == bad);
  CHECK(seen.connections[0].sent == c.got);
  REQUIRE(seen.connections[0].requests.size() == 1);  // the second is unreadable, recorded so
  CHECK(seen.connections[0].requests[0].request.target == "/x");
  CHECK(seen.connections[0].malformed());
  // Without Script::relay the same origin answers from its script again.
  relay.reset();
  relay.set_script(Script{{{"HTTP/1.1 500 Not Me\r\n\r\n", AfterReply::close}}, false});
  Client d(relay.port());
  d.send("GET /z HTTP/1.1\r\nHost: o\r\n\r\n");
  d.read_to_eof();
  CHECK(d.got == "HTTP/1.1 500 Not Me\r\n\r\n");
}

TEST_CASE("relay mode refuses a back end that is not loopback, before any socket", "[origin]") {
  Options o;
  o.relay_host = "10.0.0.1";
  o.relay_port = 80;
  RecordingOrigin relay(o);
  std::string error;
  CHECK_FALSE(relay.start(error));
  CHECK(error.find("refusing to relay to 10.0.0.1:80") != std::string::npos);
}

TEST_CASE("a head that asks for 100-continue gets 100 (Continue) before its body", "[origin]") {
  RecordingOrigin origin;
  started(origin);
  Client c(origin.port());
  const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
  // Sent in two parts, so the head is complete and its body is not.
  c.send("POST /a HTTP/1.1\r\nHost: origin\r\nexpect:  100-Continue \r\nContent-Length: 5\r\n\r\n");
  c.read_until(continue_line.size());
  CHECK(c.got == continue_line);
  c.send("hello");
  c.read_until(continue_line.size() + default_reply(0, false).size());
  CHECK(c.got == continue_line + default_reply(0, false));
  REQUIRE(origin.wait_for_requests(1, kWait));
  CHECK(origin.snapshot().connections[0].requests[0].request.body == "hello");
  // A request whose body came with its head, or without the expectation, gets no 100.
  Client d(origin.port());
  d.send("POST /b HTTP/1.1\r\nHost: origin\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi" +
         kGet);
  d.read_until(default_reply(0, false).size() * 2);
  CHECK(d.got == default_reply(1, false) + default_reply(2, false));
}
