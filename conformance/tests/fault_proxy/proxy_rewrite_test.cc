#include "fault_proxy/proxy_rewrite.h"

#include <catch2/catch.hpp>
#include <string>

using namespace h1spec;
using namespace h1spec::faulty;

namespace {
ProxyFaults with(ProxyFault f) {
  ProxyFaults faults;
  faults.set(f);
  return faults;
}

ClientRequest request(std::string_view bytes, ProxyFaults faults = {}) {
  ClientRead r = read_client_request(bytes, false, faults);
  INFO(r.error);
  REQUIRE(r.status == ReadStatus::complete);
  return r.request;
}

Response response(std::string_view bytes, bool head = false) {
  ReadResult r = read_response(bytes, head, true);
  INFO(r.error);
  REQUIRE(r.status == ReadStatus::complete);
  return r.response;
}
}  // namespace

TEST_CASE("hop-by-hop names: the fixed list and what Connection lists", "[faulty_proxy]") {
  const std::vector<std::string> options = connection_options({"close, X-A", " ,x-b ,"});
  CHECK(options == std::vector<std::string>{"close", "x-a", "x-b"});
  for (const char* name : {"Connection", "keep-alive", "Proxy-Connection", "TE", "Upgrade",
                           "Transfer-Encoding", "Trailer", "X-A", "x-B"}) {
    INFO(name);
    CHECK(is_hop_by_hop(name, options, false));
  }
  CHECK_FALSE(is_hop_by_hop("X-C", options, false));
  CHECK_FALSE(is_hop_by_hop("X-A", options, true));
  CHECK(is_hop_by_hop("TE", options, true));
}

TEST_CASE("a request is forwarded in origin-form, re-framed, with Via", "[faulty_proxy]") {
  const ClientRequest r = request(
      "POST http://example.test/p?q HTTP/1.1\r\nHost: other\r\nConnection: X-A, keep-alive\r\n"
      "X-A: 1\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\nX-B: 2\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3;e=\"q\"\r\nabc\r\n0\r\nT: 1\r\n\r\n");
  CHECK(forward_request(r, {}, "127.0.0.1:9") ==
        "POST /p?q HTTP/1.1\r\nHost: example.test\r\nX-B: 2\r\nVia: 1.1 h1fault\r\n"
        "Content-Length: 3\r\n\r\nabc");
  CHECK(forward_request(r, with(ProxyFault::keep_connection_fields), "127.0.0.1:9") ==
        "POST /p?q HTTP/1.1\r\nHost: example.test\r\nX-A: 1\r\nX-B: 2\r\nVia: 1.1 h1fault\r\n"
        "Content-Length: 3\r\n\r\nabc");
  CHECK(forward_request(r, with(ProxyFault::no_via), "127.0.0.1:9") ==
        "POST /p?q HTTP/1.1\r\nHost: example.test\r\nX-B: 2\r\nContent-Length: 3\r\n\r\nabc");
}

TEST_CASE("HTTP/1.0 requests get Host and a 1.0 Via; no body means no Content-Length",
          "[faulty_proxy]") {
  const ClientRequest r = request("GET / HTTP/1.0\r\nVia: 1.1 front\r\n\r\n");
  CHECK(forward_request(r, {}, "127.0.0.1:9") ==
        "GET / HTTP/1.1\r\nVia: 1.1 front\r\nHost: 127.0.0.1:9\r\nVia: 1.0 h1fault\r\n\r\n");
  CHECK(client_wants_close(r));
  CHECK_FALSE(client_wants_close(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
  CHECK(client_wants_close(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: x, Close\r\n\r\n")));
}

TEST_CASE("faults forward what they misread as ordinary requests; CL+TE byte for byte",
          "[faulty_proxy]") {
  const ClientRequest lf =
      request("GET / HTTP/1.1\nHost: a\nX: 1\r\n\n", with(ProxyFault::bare_lf));
  CHECK(forward_request(lf, with(ProxyFault::bare_lf), "u") ==
        "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nVia: 1.1 h1fault\r\n\r\n");
  const ClientRequest clte = request(
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nz\r\n0\r\n\r\n",
      with(ProxyFault::forward_cl_te));
  CHECK(forward_request(clte, with(ProxyFault::forward_cl_te), "u") ==
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"
        "Via: 1.1 h1fault\r\n\r\n1\r\nz\r\n0\r\n\r\n");
}

TEST_CASE("Max-Forwards: 0 on TRACE and OPTIONS is answered, larger is decremented",
          "[faulty_proxy]") {
  const ClientRequest trace =
      request("TRACE /t HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\nCookie: s=1\r\n\r\n");
  const std::string answer = answer_max_forwards(trace, {}, "D");
  CHECK(answer ==
        "HTTP/1.1 200 OK\r\nDate: D\r\nContent-Type: message/http\r\nContent-Length: 47\r\n\r\n"
        "TRACE /t HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n");
  CHECK(answer_max_forwards(trace, with(ProxyFault::ignore_max_forwards), "D").empty());
  const ClientRequest options = request("OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n");
  CHECK(answer_max_forwards(options, {}, "D").find("Allow: ") != std::string::npos);
  const ClientRequest more = request("OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 5\r\n\r\n");
  CHECK(answer_max_forwards(more, {}, "D").empty());
  CHECK(forward_request(more, {}, "u") ==
        "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 4\r\nVia: 1.1 h1fault\r\n\r\n");
  const ClientRequest get = request("GET / HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n");
  CHECK(answer_max_forwards(get, {}, "D").empty());
  CHECK(forward_request(get, {}, "u").find("Max-Forwards: 0\r\n") != std::string::npos);
}

TEST_CASE("requests a server must refuse before forwarding", "[faulty_proxy]") {
  CHECK(refuse_request(request("GET / HTTP/1.1\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("GET * HTTP/1.1\r\nHost: a\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("GET x HTTP/1.1\r\nHost: a\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("GET http://u@h/ HTTP/1.1\r\nHost: a\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n")).status == 501);
  CHECK(refuse_request(request("GET / HTTP/2.0\r\nHost: a\r\n\r\n")).status == 505);
  CHECK(refuse_request(request("GET https://h/ HTTP/1.1\r\nHost: h\r\n\r\n")).status == 421);
  CHECK(refuse_request(request("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked"
                               "\r\n\r\n0\r\n\r\n"))
            .status == 501);
  CHECK(refuse_request(request("GET /" + std::string(8000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n"))
            .status == 414);
  CHECK(refuse_request(request("GET /a#x HTTP/1.1\r\nHost: a\r\n\r\n")).status == 400);
  CHECK(refuse_request(request("GET / HTTP/1.0\r\n\r\n")).status == 0);
  CHECK(refuse_request(request("GET / HTTP/1.1\r\nHost: a:80\r\n\r\n")).status == 0);
}

TEST_CASE("origin responses a proxy must not relay", "[faulty_proxy]") {
  CHECK(response_defect(response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")).empty());
  CHECK(response_defect(response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
                                 "\r\nok"))
            .empty());
  CHECK_FALSE(
      response_defect(response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 2\r\n"
                               "\r\nok"))
          .empty());
  CHECK_FALSE(response_defect(response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
                  .empty());
  CHECK_FALSE(response_defect(response("HTTP/1.1 101 Switching\r\nUpgrade: x\r\n\r\n")).empty());
  CHECK_FALSE(response_defect(response("HTTP/1.1 600 What\r\nContent-Length: 0\r\n\r\n")).empty());
}

TEST_CASE("responses are relayed re-framed, without hop-by-hop fields", "[faulty_proxy]") {
  const Response chunked = response(
      "HTTP/1.1 200 OK\r\nConnection: X-A\r\nX-A: 1\r\nX-B: 2\r\nTransfer-Encoding: chunked\r\n"
      "\r\n2\r\nok\r\n0\r\n\r\n");
  CHECK(relay_response(chunked, false, false, {}, "D") ==
        "HTTP/1.1 200 OK\r\nX-B: 2\r\nDate: D\r\nVia: 1.1 h1fault\r\nContent-Length: 2\r\n\r\nok");
  CHECK(relay_response(chunked, false, true, with(ProxyFault::keep_connection_fields), "D") ==
        "HTTP/1.1 200 OK\r\nX-A: 1\r\nX-B: 2\r\nDate: D\r\nVia: 1.1 h1fault\r\n"
        "Connection: close\r\nContent-Length: 2\r\n\r\nok");
  const Response no_content =
      response("HTTP/1.0 204 No Content\r\nDate: X\r\nContent-Length: 5\r\n\r\n");
  CHECK(relay_response(no_content, false, false, with(ProxyFault::no_via), "D") ==
        "HTTP/1.1 204 No Content\r\nDate: X\r\n\r\n");
  CHECK(relay_response(no_content, false, false, with(ProxyFault::pass_204_body), "D", "hello") ==
        "HTTP/1.1 204 No Content\r\nDate: X\r\nVia: 1.0 h1fault\r\nContent-Length: 5\r\n\r\nhello");
  const Response head = response("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", true);
  CHECK(relay_response(head, true, false, {}, "D") ==
        "HTTP/1.1 200 OK\r\nDate: D\r\nVia: 1.1 h1fault\r\nContent-Length: 7\r\n\r\n");
  const Response interim = response("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
  CHECK(relay_response(interim, false, true, {}, "D") ==
        "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nVia: 1.1 h1fault\r\n\r\n");
}

TEST_CASE("the proxy's own errors", "[faulty_proxy]") {
  CHECK(error_response(502, "bad", true, "D") ==
        "HTTP/1.1 502 Bad Gateway\r\nDate: D\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
        "Connection: close\r\n\r\nh1fault: bad\n");
  CHECK(error_response(400, "x", false, "D").find("Connection") == std::string::npos);
  CHECK(http_date().size() == 29);
}
