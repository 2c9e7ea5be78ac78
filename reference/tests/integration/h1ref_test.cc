// h1ref over real sockets, serving the repository's html/ directory.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "raw_client.h"
#include "server_process.h"

namespace h1::integration {
namespace {

using std::chrono::milliseconds;

const std::string kHtml = H1_HTML_ROOT;

std::vector<std::string> html_args() { return server_args(kHtml, {"--workers", "1"}); }

// The fields that must not differ between two answers for the same document.
void check_same_representation(const Response& a, const Response& b) {
  CHECK(a.status == b.status);
  for (const char* name : {"content-length", "content-type", "etag", "last-modified"}) {
    INFO(name);
    CHECK(a.field(name) == b.field(name));
  }
}

TEST_CASE("GET / serves index.html with its metadata", "[integration]") {
  ServerProcess server(html_args());
  RawClient c(server.port());
  c.send(request("GET", "/"));
  const Response r = c.read_response();
  const std::string index = file_contents(kHtml + "/index.html");
  REQUIRE_FALSE(index.empty());
  CHECK(r.status == 200);
  CHECK(r.field("content-length") == std::to_string(index.size()));
  CHECK(r.body == index);
  CHECK(r.field("date"));
  CHECK(r.field("content-type").value_or("").rfind("text/html", 0) == 0);
  CHECK(r.field("etag"));
  CHECK(r.field("last-modified"));
}

TEST_CASE("documents of every kind", "[integration]") {
  ServerProcess server(html_args());
  struct Doc {
    const char* target;
    const char* file;
    const char* type;
  };
  const Doc docs[] = {
      {"/style.css", "style.css", "text/css"},
      {"/app.js", "app.js", "text/javascript"},
      {"/data.json", "data.json", "application/json"},
      {"/notes.txt", "notes.txt", "text/plain"},
      {"/logo.svg", "logo.svg", "image/svg+xml"},
      {"/pixel.png", "pixel.png", "image/png"},
      {"/caf%C3%A9%20menu.txt", "café menu.txt", "text/plain"},
      {"/sub/", "sub/index.html", "text/html"},
      {"/big.bin", "big.bin", ""},
  };
  RawClient c(server.port());
  for (const Doc& d : docs) {
    INFO(d.target);
    c.send(request("GET", d.target));
    const Response r = c.read_response();
    CHECK(r.status == 200);
    CHECK(r.body == file_contents(kHtml + "/" + d.file));
    CHECK(r.field("content-type").value_or("").rfind(d.type, 0) == 0);
  }
}

TEST_CASE("missing documents and dotfiles are 404", "[integration]") {
  ServerProcess server(html_args());
  RawClient c(server.port());
  for (const char* target : {"/missing.html", "/sub/missing", "/.hidden"}) {
    INFO(target);
    c.send(request("GET", target));
    CHECK(c.read_response().status == 404);
  }
}

TEST_CASE("HEAD has GET's fields and no body", "[integration]") {
  ServerProcess server(html_args());
  RawClient c(server.port());
  c.send(request("GET", "/"));
  const Response get = c.read_response();
  c.send(request("HEAD", "/"));
  const Response head = c.read_response(/*to_head=*/true);
  check_same_representation(get, head);
  // A body after the HEAD response would be read here instead of the next status line.
  c.send(request("GET", "/notes.txt"));
  const Response next = c.read_response();
  CHECK(next.status == 200);
  CHECK(next.body == file_contents(kHtml + "/notes.txt"));
}

TEST_CASE("keep-alive: two requests on one connection", "[integration]") {
  ServerProcess server(html_args());
  RawClient c(server.port());
  c.send(request("GET", "/data.json"));
  CHECK(c.read_response().body == file_contents(kHtml + "/data.json"));
  c.send(request("GET", "/notes.txt"));
  CHECK(c.read_response().body == file_contents(kHtml + "/notes.txt"));
}

TEST_CASE("three pipelined requests are answered in order", "[integration]") {
  ServerProcess server(html_args());
  RawClient c(server.port());
  c.send(request("GET", "/style.css") + request("GET", "/missing") + request("GET", "/data.json"));
  const Response a = c.read_response();
  const Response b = c.read_response();
  const Response d = c.read_response();
  CHECK(a.status == 200);
  CHECK(a.body == file_contents(kHtml + "/style.css"));
  CHECK(b.status == 404);
  CHECK(d.status == 200);
  CHECK(d.body == file_contents(kHtml + "/data.json"));
}

TEST_CASE("Connection: close ends the connection after the response", "[integration]") {
  ServerProcess server(html_args());
  RawClient c(server.port());
  c.send(request("GET", "/notes.txt", "Connection: close\r\n"));
  const Response r = c.read_response();
  CHECK(r.status == 200);
  CHECK(r.field("connection").value_or("").find("close") != std::string::npos);
  CHECK(c.peer_closes(kPatience));
}

TEST_CASE("a client that vanishes mid-request does not hurt the server", "[integration]") {
  ServerProcess server(html_args());
  {
    RawClient quitter(server.port());
    quitter.send("GET /index.html HTTP/1.1\r\nHo");
  }
  {
    RawClient resetter(server.port());  // and one that resets while a big body is sent
    resetter.send(request("GET", "/big.bin"));
    resetter.abort();
  }
  RawClient c(server.port());
  c.send(request("GET", "/notes.txt"));
  CHECK(c.read_response().status == 200);
  CHECK(server.alive());
}

TEST_CASE("a request fed one byte at a time gets the same response", "[integration]") {
  ServerProcess server(html_args());
  const std::string req = request("GET", "/data.json", "Accept: */*\r\n");
  RawClient whole(server.port());
  whole.send(req);
  const Response expected = whole.read_response();
  RawClient slow(server.port());
  slow.send_bytewise(req, milliseconds(2));
  const Response got = slow.read_response();
  check_same_representation(expected, got);
  CHECK(got.body == expected.body);
}

TEST_CASE("several workers share one port", "[integration]") {
  ServerProcess server(server_args(kHtml, {"--workers", "3"}));
  std::vector<RawClient> clients;
  clients.reserve(12);
  for (int i = 0; i < 12; ++i) clients.emplace_back(server.port());
  for (RawClient& c : clients) c.send(request("GET", "/notes.txt"));
  for (RawClient& c : clients) CHECK(c.read_response().status == 200);
}

}  // namespace
}  // namespace h1::integration
