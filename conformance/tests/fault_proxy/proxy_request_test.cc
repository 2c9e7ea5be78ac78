#include "fault_proxy/proxy_request.h"

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

ClientRead complete(std::string_view bytes, ProxyFaults faults) {
  ClientRead r = read_client_request(bytes, false, faults);
  INFO(r.error);
  REQUIRE(r.status == ReadStatus::complete);
  return r;
}
}  // namespace

TEST_CASE("without faults the strict reader decides", "[faulty_proxy]") {
  const ClientRead r = complete("GET / HTTP/1.1\r\nHost: a\r\nX-B:  2 \r\n\r\nrest", {});
  CHECK(r.consumed == 37);
  REQUIRE(r.request.fields.size() == 2);
  CHECK(r.request.fields[1].name == "X-B");
  CHECK(r.request.fields[1].value == "2");
  CHECK(r.request.fields[1].raw.empty());
  for (const char* bad :
       {"GET / HTTP/1.1\nHost: a\n\n", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    INFO(bad);
    CHECK(read_client_request(bad, false, {}).status == ReadStatus::malformed);
  }
  const std::string nul("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35);
  CHECK(read_client_request(nul, false, {}).status == ReadStatus::malformed);
}

TEST_CASE("bare-lf and bare-cr end lines in the head and in chunk lines", "[faulty_proxy]") {
  const ClientRead lf =
      complete("GET / HTTP/1.1\nHost: a\r\nX: 1\n\nNEXT", with(ProxyFault::bare_lf));
  CHECK(lf.consumed == 30);
  REQUIRE(lf.request.fields.size() == 2);
  CHECK(lf.request.fields[1].value == "1");
  CHECK(lf.request.fields[1].raw.empty());
  const std::string chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  const ClientRead body =
      complete(chunked + "5\nhello\r\n0\r\n\r\nNEXT", with(ProxyFault::bare_lf));
  CHECK(body.request.request.body == "hello");
  CHECK(body.consumed == chunked.size() + 14);
  // Still need_more until the (lenient) head ends; other defects stay malformed.
  CHECK(read_client_request("GET / HTTP/1.1\nHost: a\n", false, with(ProxyFault::bare_lf)).status ==
        ReadStatus::need_more);
  CHECK(read_client_request("GET / HTTP/1.1\nHost : a\n\n", false, with(ProxyFault::bare_lf))
            .status == ReadStatus::malformed);
  CHECK(read_client_request("GET / HTTP/1.1\r\nHost: a\r\nX: 1\rY: 2\r\n\r\n", false,
                            with(ProxyFault::bare_lf))
            .status == ReadStatus::malformed);
  const ClientRead cr =
      complete("POST / HTTP/1.1\r\nHost: a\r\nX-A: 1\rContent-Length: 5\r\n\r\nhello",
               with(ProxyFault::bare_cr));
  CHECK(cr.request.request.body == "hello");
  CHECK(
      complete(chunked + "5\rhello\r\n0\r\n\r\n", with(ProxyFault::bare_cr)).request.request.body ==
      "hello");
}

TEST_CASE("obs-fold, ws-before-colon and cut-at-nul misread as careless parsers do",
          "[faulty_proxy]") {
  const ClientRead fold =
      complete("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\t2\r\n\r\n", with(ProxyFault::obs_fold));
  REQUIRE(fold.request.fields.size() == 2);
  CHECK(fold.request.fields[1].value == "1");
  const ClientRead cl = complete("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n 5\r\n\r\nhello",
                                 with(ProxyFault::obs_fold));
  CHECK(cl.request.request.framing == BodyFraming::none);
  CHECK(cl.consumed == 49);  // "hello" is left for the next request
  const ClientRead ws =
      complete("GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", with(ProxyFault::ws_before_colon));
  CHECK(ws.request.fields[1].name == "X-A");
  CHECK(ws.request.fields[1].raw.empty());
  const std::string nul("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35);
  CHECK(complete(nul, with(ProxyFault::cut_at_nul)).request.fields[1].value == "a");
  const std::string chunk(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\0\r\nhello\r\n0\r\n\r\n",
      72);
  CHECK(complete(chunk, with(ProxyFault::cut_at_nul)).request.request.body == "hello");
  // A fault accepts only its own defect.
  CHECK(read_client_request("GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", false,
                            with(ProxyFault::obs_fold))
            .status == ReadStatus::malformed);
}

TEST_CASE("forward-cl-te frames by chunked and keeps the body as sent", "[faulty_proxy]") {
  const std::string bytes =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nz\r\n0\r\n\r\nGET";
  const ClientRead r = complete(bytes, with(ProxyFault::forward_cl_te));
  CHECK(r.consumed == bytes.size() - 3);
  CHECK(r.request.keep_framing);
  CHECK(r.request.raw_body == "1\r\nz\r\n0\r\n\r\n");
  CHECK(r.request.request.body == "z");
  CHECK(r.request.fields.size() == 3);
  CHECK(r.request.fields[1].raw == "Content-Length: 3");
}

TEST_CASE("a 100-continue head with a body is recognised", "[faulty_proxy]") {
  CHECK(head_awaits_continue(
      "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  CHECK_FALSE(head_awaits_continue("PUT / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"));
  CHECK_FALSE(
      head_awaits_continue("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  CHECK_FALSE(head_awaits_continue("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Le"));
}
