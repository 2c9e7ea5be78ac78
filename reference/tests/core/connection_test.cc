#include "core/connection.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tests/support/memory_files.h"

using namespace h1::core;
using h1::support::MemoryFiles;
using namespace std::chrono_literals;

namespace {

struct Response {
  std::string status_line;
  int status = 0;
  std::map<std::string, std::string> fields;  // lower-case names
  std::string body;
  bool has(const std::string& name) const { return fields.count(name) != 0; }
  std::string operator[](const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Splits server output into responses. bodiless_first lists HEAD responses by index.
std::vector<Response> parse_responses(std::string out, const std::vector<bool>& head = {}) {
  std::vector<Response> rs;
  while (!out.empty()) {
    const auto end = out.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    Response r;
    std::string head_text = out.substr(0, end);
    out.erase(0, end + 4);
    const auto first_eol = head_text.find("\r\n");
    r.status_line = head_text.substr(0, first_eol);
    r.status = std::stoi(r.status_line.substr(9, 3));
    std::size_t pos = first_eol == std::string::npos ? head_text.size() : first_eol + 2;
    while (pos < head_text.size()) {
      auto eol = head_text.find("\r\n", pos);
      if (eol == std::string::npos) eol = head_text.size();
      const std::string line = head_text.substr(pos, eol - pos);
      const auto colon = line.find(':');
      REQUIRE(colon != std::string::npos);
      r.fields[lower(line.substr(0, colon))] = line.substr(colon + 2);
      pos = eol + 2;
    }
    const bool is_head = rs.size() < head.size() && head[rs.size()];
    if (r.has("content-length") && !is_head && r.status != 304) {
      const auto n = std::stoul(r["content-length"]);
      REQUIRE(out.size() >= n);
      r.body = out.substr(0, n);
      out.erase(0, n);
    }
    rs.push_back(r);
  }
  return rs;
}

// Drives a Connection like a socket driver would, writing into a string.
struct Harness {
  MemoryFiles files;
  Config config;
  std::int64_t unix_seconds = 784111777;
  TimePoint mono{};
  std::unique_ptr<Connection> conn;
  std::string out;
  bool shut = false;

  Harness() {
    files.add("index.html", "<h1>home</h1>\n", 1'600'000'000'000'000'000);
    files.add("a.txt", "alpha\n");
    files.add("sub/index.html", "<p>sub</p>");
    files.add(".hidden", "secret");
    files.add("big.bin", std::string(100'000, 'b'));
    files.add("digits.txt", "0123456789");
  }
  Now now() const { return Now{mono, unix_seconds}; }
  Connection& c() {
    if (!conn) conn = std::make_unique<Connection>(config, files, now());
    return *conn;
  }
  // Writes every pending segment, at most `chunk` bytes per write.
  void drain(std::size_t chunk = 1 << 20) {
    for (;;) {
      const auto pending = c().pending();
      if (pending.empty()) break;
      const Segment& s = pending.front();
      if (s.kind == Segment::Kind::bytes) {
        const std::size_t n = std::min(chunk, s.size);
        out.append(s.data, n);
        c().on_sent(n, now());
      } else {
        std::string buf(std::min<std::uint64_t>(chunk, s.length), '\0');
        const std::size_t n = files.read(s.file, s.offset, {buf.data(), buf.size()});
        if (n == 0) {
          c().on_file_short(now());
          break;
        }
        out.append(buf.data(), n);
        c().on_sent(n, now());
      }
    }
    if (c().wants_shutdown()) {
      shut = true;
      c().on_shutdown(now());
    }
  }
  // Delivers bytes as the socket would, in reads of at most `chunk` bytes.
  void send(const std::string& bytes, std::size_t chunk = 1 << 20) {
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      drain();
      const auto space = c().read_space();
      if (space.empty()) break;
      const std::size_t n = std::min({chunk, space.size(), bytes.size() - pos});
      std::memcpy(space.data(), bytes.data() + pos, n);
      c().on_read(n, now());
      pos += n;
    }
    drain();
  }
  std::vector<Response> responses(const std::vector<bool>& head = {}) {
    return parse_responses(out, head);
  }
};

const std::string kGet = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";

}  // namespace

TEST_CASE("GET / serves index.html with every required field", "[connection]") {
  Harness h;
  h.send(kGet);
  const auto rs = h.responses();
  REQUIRE(rs.size() == 1);
  const Response& r = rs[0];
  CHECK(r.status_line == "HTTP/1.1 200 OK");
  CHECK(r.body == "<h1>home</h1>\n");
  CHECK(r["content-length"] == "14");
  CHECK(r["content-type"] == "text/html; charset=utf-8");
  CHECK(r["date"] == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(r["server"] == "h1ref");
  CHECK(r["last-modified"] == "Sun, 13 Sep 2020 12:26:40 GMT");
  CHECK(r["etag"].front() == '"');
  CHECK(r["accept-ranges"] == "bytes");
  CHECK_FALSE(r.has("connection"));
  CHECK_FALSE(h.c().closed());
  CHECK_FALSE(h.shut);
  CHECK(h.files.open_count() == 0);
}

TEST_CASE("a missing file is 404 and the connection stays open", "[connection]") {
  Harness h;
  h.send("GET /nope.txt HTTP/1.1\r\nHost: h\r\n\r\n" + kGet);
  const auto rs = h.responses();
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].status == 404);
  CHECK(rs[0].body == "404 Not Found\n");
  CHECK(rs[1].status == 200);
}

TEST_CASE("HEAD sends the GET headers and no body", "[connection]") {
  Harness get, head;
  get.send("GET /a.txt HTTP/1.1\r\nHost: h\r\n\r\n");
  head.send("HEAD /a.txt HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto g = get.responses();
  const auto hd = head.responses({true});
  REQUIRE(hd.size() == 1);
  CHECK(hd[0].fields == g[0].fields);
  CHECK(head.out.size() == get.out.size() - 6);
  CHECK(head.files.open_count() == 0);
}

TEST_CASE("pipelined requests are answered in order", "[connection]") {
  Harness h;
  h.send(
      "GET /a.txt HTTP/1.1\r\nHost: h\r\n\r\nGET /missing HTTP/1.1\r\nHost: h\r\n\r\n"
      "HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /digits.txt HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto rs = h.responses({false, false, true, false});
  REQUIRE(rs.size() == 4);
  CHECK(rs[0].body == "alpha\n");
  CHECK(rs[1].status == 404);
  CHECK(rs[2].status == 200);
  CHECK(rs[3].body == "0123456789");
}

TEST_CASE("output is identical whatever the read segmentation", "[connection]") {
  const std::string input =
      "GET /a.txt HTTP/1.1\r\nHost: h\r\n\r\nPOST /x HTTP/1.1\r\nHost: h\r\nContent-Length: "
      "3\r\n\r\n"
      "abcGET /digits.txt HTTP/1.1\r\nHost: h\r\nRange: bytes=2-4\r\n\r\n"
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n"
      "GET / HTTP/1.0\r\n\r\n";
  Harness whole;
  whole.send(input);
  REQUIRE(whole.responses().size() == 5);
  for (std::size_t chunk : {1, 2, 3, 7, 64}) {
    Harness h;
    h.send(input, chunk);
    INFO("chunk " << chunk);
    CHECK(h.out == whole.out);
    CHECK(h.shut);
  }
}

TEST_CASE("Connection: close ends the connection after the response", "[connection]") {
  Harness h;
  h.send("GET /a.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" + kGet);
  const auto rs = h.responses();
  REQUIRE(rs.size() == 1);  // the request after close is never processed
  CHECK(rs[0]["connection"] == "close");
  CHECK(h.shut);
  CHECK(h.c().wants_read());  // lingering: drains input until EOF
  h.c().on_eof(h.now());
  CHECK(h.c().closed());
}

TEST_CASE("Connection: close with nothing after it closes at once, without lingering",
          "[connection]") {
  // RFC 9112 §9.6: the half-close and drain exist for input the server has not read. A
  // client that announced close and sent nothing more leaves none, so a plain close is safe.
  Harness h;
  h.send("GET /a.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  const auto rs = h.responses();
  REQUIRE(rs.size() == 1);
  CHECK(rs[0]["connection"] == "close");
  CHECK_FALSE(h.shut);
  CHECK(h.c().closed());
}

TEST_CASE("Connection: close on a request with a body still lingers", "[connection]") {
  Harness h;
  h.send("POST /a.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 5\r\n\r\n");
  REQUIRE(h.responses().size() == 1);
  CHECK(h.shut);  // the body may still be on its way
  CHECK_FALSE(h.c().closed());
}

TEST_CASE("HTTP/1.0 closes unless keep-alive is asked for", "[connection]") {
  Harness h10;
  h10.send("GET /a.txt HTTP/1.0\r\n\r\n");
  CHECK(h10.responses()[0]["connection"] == "close");
  CHECK(h10.shut);
  Harness ka;
  ka.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /a.txt HTTP/1.0\r\n\r\n");
  const auto rs = ka.responses();
  REQUIRE(rs.size() == 2);
  CHECK(rs[0]["connection"] == "keep-alive");
  CHECK(rs[1]["connection"] == "close");
}

TEST_CASE("parse errors map to their status and close", "[connection]") {
  struct Row {
    std::string in;
    int status;
  };
  const std::vector<Row> rows = {
      {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},
      {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
      {"GET / HTTP/1.1\r\n\r\n", 400},
  };
  for (const Row& row : rows) {
    Harness h;
    h.send(row.in);
    const auto rs = h.responses();
    INFO(row.in.substr(0, 80));
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].status == row.status);
    CHECK(rs[0]["connection"] == "close");
    CHECK(h.shut);
  }
}

TEST_CASE("unsafe paths are 400 on a connection that stays usable", "[connection]") {
  for (const std::string target :
       {"/../etc/passwd", "/%2e%2e/x", "/%2E%2e/x", "/a%2fb", "/a%2F..%2Fb", "/a%00", "/a%5c..%5cb",
        "/sub/../../a.txt", "/%252e%252e/a.txt"}) {
    Harness h;
    h.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n" += kGet);
    const auto rs = h.responses();
    INFO(target);
    REQUIRE(rs.size() == 2);
    CHECK(rs[0].status == 400);
    CHECK(rs[1].body == "<h1>home</h1>\n");
  }
  Harness raw;
  raw.send("GET /a\\b HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(raw.responses()[0].status == 400);
}

TEST_CASE("error responses to HEAD carry no body", "[connection]") {
  for (const std::string req :
       {"HEAD / HTTP/1.1\r\n\r\n", "HEAD / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n"}) {
    Harness h;
    h.send(req);
    const auto rs = h.responses({true});
    INFO(req);
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].status == 400);
    CHECK(rs[0]["content-length"] == "16");
    CHECK(h.out.substr(h.out.size() - 4) == "\r\n\r\n");
  }
}

TEST_CASE("methods: OPTIONS 204, known 405 with Allow, unknown 501", "[connection]") {
  Harness h;
  h.send(
      "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\nOPTIONS /a.txt HTTP/1.1\r\nHost: h\r\n\r\n"
      "DELETE /a.txt HTTP/1.1\r\nHost: h\r\n\r\nBREW /pot HTTP/1.1\r\nHost: h\r\n\r\n" +
      kGet);
  const auto rs = h.responses();
  REQUIRE(rs.size() == 5);
  CHECK(rs[0].status == 204);
  CHECK(rs[0]["allow"] == "GET, HEAD, OPTIONS");
  CHECK_FALSE(rs[0].has("content-length"));
  CHECK(rs[1].status == 204);
  CHECK(rs[2].status == 405);
  CHECK(rs[2]["allow"] == "GET, HEAD, OPTIONS");
  CHECK(rs[3].status == 501);
  CHECK(rs[4].status == 200);
}

TEST_CASE("request bodies are discarded exactly", "[connection]") {
  Harness h;
  h.send("POST /a.txt HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nGET / HTTP" +
         std::string("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") +
         "5;x=y\r\nGET /\r\n0\r\nT: v\r\n\r\n" + kGet);
  const auto rs = h.responses();
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].status == 405);
  CHECK(rs[1].status == 405);
  CHECK(rs[2].status == 200);
}

TEST_CASE("a malformed chunked body closes the connection", "[connection]") {
  Harness h;
  h.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + kGet);
  const auto rs = h.responses();
  REQUIRE(rs.size() == 1);
  CHECK(h.shut);
}

TEST_CASE("bodies the server will not read close the connection", "[connection]") {
  SECTION("Expect: 100-continue") {
    Harness h;
    h.send("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    const auto rs = h.responses();
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].status == 405);
    CHECK(rs[0]["connection"] == "close");
  }
  SECTION("too large to discard") {
    Harness h;
    h.send("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 999999999\r\n\r\n");
    CHECK(h.responses()[0]["connection"] == "close");
    CHECK(h.shut);
  }
  SECTION("Expect without a body is harmless") {
    Harness h;
    h.send("GET /a.txt HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
    CHECK_FALSE(h.responses()[0].has("connection"));
    CHECK_FALSE(h.shut);
  }
}

TEST_CASE("conditional requests", "[connection]") {
  Harness first;
  first.send("GET /a.txt HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto r0 = first.responses()[0];
  const std::string etag = r0["etag"], lm = r0["last-modified"];
  auto one = [](const std::string& extra) {
    Harness h;
    h.send("GET /a.txt HTTP/1.1\r\nHost: h\r\n" + extra + "\r\n");
    auto rs = h.responses();
    REQUIRE(rs.size() == 1);
    CHECK(h.files.open_count() == 0);
    return rs[0];
  };
  const Response nm = one("If-None-Match: \"x\", " + etag + "\r\n");
  CHECK(nm.status == 304);
  CHECK(nm["etag"] == etag);
  CHECK_FALSE(nm.has("content-length"));
  CHECK(nm.body.empty());
  CHECK(one("If-None-Match: W/" + etag + "\r\n").status == 304);
  CHECK(one("If-None-Match: \"other\"\r\n").status == 200);
  CHECK(one("If-Modified-Since: " + lm + "\r\n").status == 304);
  CHECK(one("If-Modified-Since: Sat, 01 Jan 1000 00:00:00 GMT\r\n").status == 200);
  CHECK(one("If-Modified-Since: garbage\r\n").status == 200);
  CHECK(one("If-None-Match: \"other\"\r\nIf-Modified-Since: " + lm + "\r\n").status == 200);
  CHECK(one("If-Match: \"other\"\r\n").status == 412);
  CHECK(one("If-Match: " + etag + "\r\n").status == 200);
  CHECK(one("If-Unmodified-Since: Sat, 01 Jan 1000 00:00:00 GMT\r\n").status == 412);
}

TEST_CASE("single byte ranges", "[connection]") {
  auto one = [](const std::string& extra, const std::string& method = "GET") {
    Harness h;
    h.send(method + " /digits.txt HTTP/1.1\r\nHost: h\r\n" + extra + "\r\n");
    auto rs = h.responses({method == "HEAD"});
    REQUIRE(rs.size() == 1);
    return rs[0];
  };
  const Response r = one("Range: bytes=2-4\r\n");
  CHECK(r.status == 206);
  CHECK(r.body == "234");
  CHECK(r["content-range"] == "bytes 2-4/10");
  CHECK(r["content-length"] == "3");
  CHECK(one("Range: bytes=-3\r\n").body == "789");
  CHECK(one("Range: bytes=7-\r\n").body == "789");
  const Response bad = one("Range: bytes=10-\r\n");
  CHECK(bad.status == 416);
  CHECK(bad["content-range"] == "bytes */10");
  CHECK(one("Range: bytes=0-1,3-4\r\n").status == 200);
  CHECK(one("Range: lines=1-2\r\n").status == 200);
  CHECK(one("Range: bytes=2-4\r\nIf-Range: \"stale\"\r\n").status == 200);
  CHECK(one("Range: bytes=2-4\r\n", "HEAD").status == 200);
  Harness h;
  h.send("GET /digits.txt HTTP/1.1\r\nHost: h\r\n\r\n");
  const std::string etag = h.responses()[0]["etag"];
  CHECK(one("Range: bytes=2-4\r\nIf-Range: " + etag + "\r\n").status == 206);
}

TEST_CASE("directories, index files and dotfiles", "[connection]") {
  Harness h;
  h.send(
      "GET /sub HTTP/1.1\r\nHost: h\r\n\r\nGET /sub?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /sub/ HTTP/1.1\r\nHost: h\r\n\r\nGET /.hidden HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /sub/./../a.txt HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET http://h/a.txt HTTP/1.1\r\nHost: other\r\n\r\n");
  const auto rs = h.responses();
  REQUIRE(rs.size() == 6);
  CHECK(rs[0].status == 301);
  CHECK(rs[0]["location"] == "/sub/");
  CHECK(rs[1]["location"] == "/sub/?q=1");
  CHECK(rs[2].body == "<p>sub</p>");
  CHECK(rs[3].status == 404);
  CHECK(rs[4].body == "alpha\n");
  CHECK(rs[5].body == "alpha\n");
  CHECK(h.files.open_count() == 0);
}

TEST_CASE("forbidden documents are 403", "[connection]") {
  Harness h;
  h.files.forbid("escape");
  h.send("GET /escape HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(h.responses()[0].status == 403);
}

TEST_CASE("large files go out as file segments, written in pieces", "[connection]") {
  Harness h;
  h.send("GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n");
  REQUIRE(h.out.empty() == false);
  Harness slow;
  slow.c();
  const std::string req = "GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n" + kGet;
  auto space = slow.c().read_space();
  std::memcpy(space.data(), req.data(), req.size());
  slow.c().on_read(req.size(), slow.now());
  bool saw_file = false;
  for (const Segment& s : slow.c().pending()) saw_file |= s.kind == Segment::Kind::file;
  CHECK(saw_file);
  slow.drain(1000);
  const auto rs = slow.responses();
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].body == std::string(100'000, 'b'));
  CHECK(rs[1].status == 200);
  CHECK(slow.files.open_count() == 0);
}

TEST_CASE("a file that shrinks mid-send closes without extra bytes", "[connection]") {
  Harness h;
  const std::string req = "GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n";
  auto space = h.c().read_space();
  std::memcpy(space.data(), req.data(), req.size());
  h.c().on_read(req.size(), h.now());
  h.files.truncate("big.bin", 50'000);
  h.drain(4096);
  CHECK(h.c().closed());
  CHECK(h.files.open_count() == 0);
  const auto body_start = h.out.find("\r\n\r\n") + 4;
  CHECK(h.out.size() - body_start == 50'000);
}

TEST_CASE("a small file that shrinks before staging gets 500 and close", "[connection]") {
  struct Shrinking : MemoryFiles {
    // Reports end of file at once: the file emptied after open() sized it.
    std::size_t read(const FileHandle&, std::uint64_t, std::span<char>) noexcept override {
      return 0;
    }
  };
  Shrinking files;
  files.add("a.txt", "alpha\n");
  Config config;
  Connection c(config, files, Now{});
  const std::string req = "GET /a.txt HTTP/1.1\r\nHost: h\r\n\r\n";
  std::memcpy(c.read_space().data(), req.data(), req.size());
  c.on_read(req.size(), Now{});
  REQUIRE(c.pending().size() == 1);
  const std::string out(c.pending()[0].data, c.pending()[0].size);
  CHECK(out.rfind("HTTP/1.1 500 ", 0) == 0);
  CHECK(out.find("Connection: close") != std::string::npos);
  CHECK(files.open_count() == 0);
}

TEST_CASE("timeouts: 408 for a partial head, silent close when idle", "[connection]") {
  Harness partial;
  partial.send("GET / HTTP/1.1\r\nHo");
  CHECK(partial.out.empty());
  partial.mono += partial.config.header_timeout;
  REQUIRE(partial.c().deadline() <= partial.mono);
  partial.c().on_timer(partial.now());
  partial.drain();
  const auto rs = partial.responses();
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].status == 408);
  CHECK(rs[0]["connection"] == "close");

  Harness idle;
  idle.send(kGet);
  idle.out.clear();
  idle.mono += idle.config.idle_timeout - 1ms;
  idle.c().on_timer(idle.now());
  CHECK_FALSE(idle.c().closed());
  idle.mono += 1ms;
  idle.c().on_timer(idle.now());
  CHECK(idle.c().closed());
  CHECK(idle.out.empty());
}

TEST_CASE("lingering ends at the linger timeout", "[connection]") {
  Harness h;
  h.send("GET / HTTP/1.0\r\n\r\n");
  REQUIRE(h.shut);
  h.send("more bytes the server drops");
  CHECK_FALSE(h.c().closed());
  h.mono += h.config.linger_timeout;
  h.c().on_timer(h.now());
  CHECK(h.c().closed());
}

TEST_CASE("a client that half-closes after its request still gets the response", "[connection]") {
  Harness h;
  auto space = h.c().read_space();
  std::memcpy(space.data(), kGet.data(), kGet.size());
  h.c().on_read(kGet.size(), h.now());
  h.c().on_eof(h.now());
  h.drain();
  CHECK(h.responses().size() == 1);
  CHECK(h.c().closed());
}

TEST_CASE("a client that closes mid-request gets nothing and the connection ends", "[connection]") {
  Harness h;
  h.send("GET /a.txt HTTP/1.1\r\nHo");
  h.c().on_eof(h.now());
  h.drain();
  CHECK(h.out.empty());
  CHECK(h.c().closed());
}

TEST_CASE("graceful shutdown", "[connection]") {
  Harness idle;
  idle.send(kGet);
  idle.c().begin_shutdown(idle.now());
  CHECK(idle.c().closed());

  Harness busy;
  const std::string req = "GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n";
  std::memcpy(busy.c().read_space().data(), req.data(), req.size());
  busy.c().on_read(req.size(), busy.now());
  busy.c().begin_shutdown(busy.now());
  CHECK_FALSE(busy.c().closed());
  busy.drain();
  CHECK(busy.responses()[0].body.size() == 100'000);
  CHECK(busy.shut);
}

TEST_CASE("a write error closes and releases files", "[connection]") {
  Harness h;
  const std::string req = "GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n";
  std::memcpy(h.c().read_space().data(), req.data(), req.size());
  h.c().on_read(req.size(), h.now());
  CHECK(h.files.open_count() == 1);
  h.c().on_write_error();
  CHECK(h.c().closed());
  CHECK(h.files.open_count() == 0);
}
