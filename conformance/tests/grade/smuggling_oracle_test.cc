#include "grade/smuggling_oracle.h"

#include <catch2/catch.hpp>

using namespace h1spec;

namespace {

Request request(std::string method, std::string target, std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.version = "HTTP/1.1";
  r.fields = {{"Host", "a"}};
  r.body = std::move(body);
  return r;
}

bool has(const std::string& text, const std::string& part) {
  INFO(text);
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("oracle: a CL.TE smuggle is SMUGGLED", "[smuggling_oracle]") {
  // The client's one request carries, as its Content-Length body, a chunked terminator and
  // a second request. A proxy that frames by Transfer-Encoding ends the body at "0\r\n\r\n"
  // and the origin reads GET /admin as a request of its own.
  const std::string hidden = "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
  ProxyExchange x;
  x.client_sent = {request("POST", "/", hidden)};
  x.final_responses = 1;
  x.at_origin = {request("POST", "/"), request("GET", "/admin")};
  // The proxy cut the body short: the first is the client's request with a body cut (a
  // rewrite), and the rest of the body arrives as a request of its own.
  SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::smuggled);
  CHECK(f.smuggled_index == 1);
  // With the first forwarded intact, the second is the smuggled one.
  x.at_origin = {request("POST", "/", hidden), request("GET", "/admin")};
  f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::smuggled);
  CHECK(f.smuggled_index == 1);
  CHECK(has(f.reason, "origin request 2 (\"GET /admin\") is no request the client sent"));
  CHECK(to_string(f.verdict) == "SMUGGLED");
}

TEST_CASE("oracle: honest forwarding gives no verdict", "[smuggling_oracle]") {
  ProxyExchange x;
  x.client_sent = {request("GET", "/a"), request("POST", "/b", "xyz"), request("GET", "/a")};
  x.final_responses = 3;
  // Over two back-end connections, so out of order; bodies re-framed but equal once decoded.
  x.at_origin = {request("POST", "/b", "xyz"), request("GET", "/a"), request("GET", "/a")};
  x.at_origin[0].framing = BodyFraming::chunked;
  const SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::none);
  CHECK(f.reason == "3 origin requests, each one the client sent; 3 final responses to 3 requests");
  CHECK(to_string(f.verdict) == "none");
  // A proxy that rejects a request and forwards nothing is no smuggler either.
  x.at_origin.clear();
  x.final_responses = 1;
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::none);
}

TEST_CASE("oracle: absolute-form and origin-form targets match", "[smuggling_oracle]") {
  CHECK(target_path("http://a:8080/x?y=1") == "/x?y=1");
  CHECK(target_path("HTTPS://a/x") == "/x");
  CHECK(target_path("http://a") == "/");
  CHECK(target_path("http://a?q") == "/?q");
  CHECK(target_path("/x?y") == "/x?y");
  CHECK(target_path("a:443") == "a:443");  // authority-form
  CHECK(target_path("*") == "*");
  ProxyExchange x;
  x.client_sent = {request("GET", "http://127.0.0.1:1/index.html?a")};
  x.final_responses = 1;
  x.at_origin = {request("GET", "/index.html?a")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::none);
  x.at_origin = {request("GET", "/index.html?b")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
}

TEST_CASE("oracle: retries of idempotent requests are allowed, others are not",
          "[smuggling_oracle]") {
  ProxyExchange x;
  x.client_sent = {request("GET", "/")};
  x.final_responses = 1;
  x.at_origin = {request("GET", "/"), request("GET", "/")};
  SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::none);
  CHECK(has(f.reason, "(1 retry)"));
  x.client_sent = {request("POST", "/", "a")};
  x.at_origin = {request("POST", "/", "a"), request("POST", "/", "a")};
  f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::smuggled);
  CHECK(f.smuggled_index == 1);
}

TEST_CASE("oracle: more final responses than requests is DESYNC", "[smuggling_oracle]") {
  ProxyExchange x;
  x.client_sent = {request("GET", "/")};
  x.at_origin = {request("GET", "/")};
  x.final_responses = 2;
  SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::desync);
  CHECK(has(f.reason, "2 final responses to 1 request"));
  CHECK(has(f.reason, "RFC 9112 §9.3"));
  CHECK(to_string(f.verdict) == "DESYNC");
  // Fewer responses than requests is not graded (a close after an error is allowed).
  x.final_responses = 0;
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::none);
  // Smuggling and a desync together: SMUGGLED, and the reason says both.
  x.at_origin.push_back(request("GET", "/admin"));
  x.final_responses = 2;
  f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::smuggled);
  CHECK(has(f.reason, "; and 2 final responses to 1 request"));
}

TEST_CASE("oracle: a client stream that did not parse is not judged", "[smuggling_oracle]") {
  ProxyExchange x;
  x.client_fully_parsed = false;
  x.at_origin = {request("GET", "/admin")};
  x.final_responses = 5;
  const SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::none);
  CHECK(has(f.reason, "not all complete requests"));
}

TEST_CASE("client_requests: pipelined requests, and bytes that do not all parse",
          "[smuggling_oracle]") {
  const ClientRequests two = client_requests(
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: "
      "2\r\n\r\nxy");
  CHECK(two.fully_parsed);
  CHECK_FALSE(two.ended_by_te_and_cl);
  REQUIRE(two.requests.size() == 2);
  CHECK(two.requests[1].body == "xy");
  CHECK(two.requests[1].begin == 28);
  const ClientRequests bad =
      client_requests("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\n\n");
  CHECK_FALSE(bad.fully_parsed);
  CHECK(bad.requests.size() == 1);
}

TEST_CASE("client_requests: CL plus TE counts as TE-framed, and nothing after it counts",
          "[smuggling_oracle]") {
  const std::string hidden = "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string bytes =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(hidden.size()) +
      "\r\nTransfer-Encoding: chunked\r\n\r\n" + hidden;
  const ClientRequests c = client_requests(bytes);
  CHECK(c.fully_parsed);
  CHECK(c.ended_by_te_and_cl);
  REQUIRE(c.requests.size() == 1);
  CHECK(c.requests[0].body.empty());
  CHECK(c.requests[0].find("Content-Length") == nullptr);
  // Through a proxy that framed by TE and forwarded the rest: the GET is SMUGGLED.
  ProxyExchange x;
  x.client_sent = c.requests;
  x.client_fully_parsed = c.fully_parsed;
  x.final_responses = 1;
  x.at_origin = {request("POST", "/"), request("GET", "/admin")};
  const SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::smuggled);
  CHECK(f.smuggled_index == 1);
  // A proxy that forwards the TE-framed request alone (and closes) smuggles nothing.
  x.at_origin = {request("POST", "/")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::none);
  // A CL plus TE request whose chunked body is itself broken stays unparsed.
  const ClientRequests broken = client_requests(
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: "
      "chunked\r\n\r\nzz\r\n");
  CHECK_FALSE(broken.fully_parsed);
  CHECK(broken.requests.empty());
}

TEST_CASE("oracle: a target the proxy normalised is the client's request", "[smuggling_oracle]") {
  // What Debian's apache2, lighttpd, nghttpx, h2o, caddy and trafficserver forward for these.
  const std::vector<std::pair<std::string, std::string>> rewrites = {
      {"/a/../b", "/b"},
      {"/a//b", "/a/b"},
      {"/%7Euser/a", "/~user/a"},
      {"/a%2Fb", "/a/b"},
      {"/a#x", "/a"},
      {"/a#x", "/a%23x"},
      {"http://h:1/abs?q=1", "/http://h:1/abs?q=1"},
      {"http://h:1?q=1", "?q=1"},
      {"http://h:1", "/http://h:1"},
  };
  for (const auto& [sent, forwarded] : rewrites) {
    ProxyExchange x;
    x.client_sent = {request("GET", sent)};
    x.final_responses = 1;
    x.at_origin = {request("GET", forwarded)};
    const SmugglingFinding f = smuggling_oracle(x);
    INFO(sent << " forwarded as " << forwarded << ": " << f.reason);
    CHECK(f.verdict == SmugglingVerdict::none);
    CHECK(has(f.reason, "1 rewritten by the proxy"));
  }
}

TEST_CASE("oracle: HEAD sent as GET and a body dropped are rewrites", "[smuggling_oracle]") {
  ProxyExchange x;
  x.client_sent = {request("HEAD", "/a"), request("POST", "/b", "hello")};
  x.final_responses = 2;
  x.at_origin = {request("GET", "/a"), request("POST", "/b")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::none);
  // Not the other way round, and no other method.
  x.client_sent = {request("GET", "/a"), request("POST", "/b", "hello")};
  x.at_origin = {request("HEAD", "/a"), request("POST", "/b")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
  x.at_origin = {request("GET", "/a"), request("PUT", "/b")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
  // A body the client never sent is no rewrite: nor is one longer than the client's.
  x.at_origin = {request("GET", "/a"), request("POST", "/b", "hellx")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
  x.at_origin = {request("GET", "/a"), request("POST", "/b", "hello!")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
}

TEST_CASE("oracle: a request from a body still counts when the proxy dropped another",
          "[smuggling_oracle]") {
  // The client sent a POST whose body holds GET /x, then GET /b. The origin got the POST, cut,
  // and GET /x; GET /b never came. GET /x must not pass for a rewrite of GET /b.
  ProxyExchange x;
  x.client_sent = {request("POST", "/a", "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
                   request("GET", "/b")};
  x.final_responses = 2;
  x.at_origin = {request("POST", "/a"), request("GET", "/x")};
  const SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::smuggled);
  CHECK(f.smuggled_index == 1);
}

TEST_CASE("oracle: a late forward of an earlier exchange's request is not smuggled",
          "[smuggling_oracle]") {
  ProxyExchange x;
  x.client_sent = {request("POST", "/a")};
  x.final_responses = 1;
  x.at_origin = {request("POST", "/b"), request("POST", "/a")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
  x.earlier_sent = {request("GET", "/z"), request("POST", "/b")};
  const SmugglingFinding f = smuggling_oracle(x);
  CHECK(f.verdict == SmugglingVerdict::none);
  CHECK(has(f.reason, "1 a late forward of an earlier exchange's request"));
  // Only an exact copy: a different body is still smuggled.
  x.earlier_sent = {request("POST", "/b", "x")};
  CHECK(smuggling_oracle(x).verdict == SmugglingVerdict::smuggled);
}

TEST_CASE("loose_target", "[smuggling_oracle]") {
  CHECK(loose_target("/http://h/a/./b//c%7E#f") == "/a/b/c~");
  CHECK(loose_target("/a/b/..") == "/a/");
  CHECK(loose_target("/../../x") == "/x");
  CHECK(loose_target("") == "/");
  CHECK(loose_target("?q=1") == "/?q=1");
  CHECK(loose_target("/a?x=/../y") == "/a?x=/../y");
  CHECK(loose_target("/a%2") == "/a%2");
  CHECK(loose_target("*") == "/*");
}
