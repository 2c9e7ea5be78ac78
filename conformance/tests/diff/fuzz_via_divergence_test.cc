// Unit tests of the divergence classes of `h1spec fuzz --via` (diff/fuzz_via_divergence.h):
// what is flagged, and the legitimate proxy behaviour that is not.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "diff/fuzz_via_divergence.h"
#include "diff/fuzz_via_view.h"

using namespace h1spec;
using namespace h1spec::fuzz;

namespace {

Request at_origin(std::string method, std::string target, std::string body = "") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.version = "HTTP/1.1";
  r.body = std::move(body);
  return r;
}

const std::string kPost = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
const std::string kGet = "GET /g HTTP/1.1\r\nHost: h\r\n\r\n";
const std::string kClTe =
    "POST /clte HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
    "0\r\n\r\n";
const std::string kSmuggled = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";

ViaDivergence classify(const std::string& bytes, const std::vector<Request>& origin,
                       std::size_t responses) {
  return classify_via(client_view(bytes), origin, responses);
}

}  // namespace

TEST_CASE("fuzz-via divergence: both views agree", "[fuzz-via]") {
  const ViaDivergence d =
      classify(kPost + kGet, {at_origin("POST", "/p", "hello"), at_origin("GET", "/g")}, 2);
  CHECK(d.kind == ViaKind::none);
  CHECK(d.signature() == "none");
}

TEST_CASE("fuzz-via divergence: legitimate proxy behaviour is not flagged", "[fuzz-via]") {
  // Fewer requests forwarded and fewer responses: a proxy may refuse.
  CHECK(classify(kPost + kGet, {at_origin("POST", "/p", "hello")}, 1).kind == ViaKind::none);
  CHECK(classify(kPost + kGet, {}, 0).kind == ViaKind::none);
  // Absolute-form in, origin-form out; retries of idempotent requests; a GET body dropped;
  // HEAD fetched as GET; a rewritten path.
  const std::string absolute = "GET http://h/g HTTP/1.1\r\nHost: h\r\n\r\n";
  CHECK(classify(absolute, {at_origin("GET", "/g")}, 1).kind == ViaKind::none);
  const ViaDivergence retry = classify(kGet, {at_origin("GET", "/g"), at_origin("GET", "/g")}, 1);
  CHECK(retry.kind == ViaKind::none);
  CHECK(retry.benign.retries == 1);
  const std::string get_body = "GET /g HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  const ViaDivergence dropped = classify(get_body, {at_origin("GET", "/g")}, 1);
  CHECK(dropped.kind == ViaKind::none);
  CHECK(dropped.benign.body_dropped == 1);
  const ViaDivergence head =
      classify("HEAD /g HTTP/1.1\r\nHost: h\r\n\r\n", {at_origin("GET", "/g")}, 1);
  CHECK(head.kind == ViaKind::none);
  CHECK(head.benign.head_as_get == 1);
  const ViaDivergence rewritten =
      classify("GET /a/../g HTTP/1.1\r\nHost: h\r\n\r\n", {at_origin("GET", "/g")}, 1);
  CHECK(rewritten.kind == ViaKind::none);
  CHECK(rewritten.benign.rewritten == 1);
  // Chunked re-framed as Content-Length: the decoded bodies agree.
  const std::string chunked =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  CHECK(classify(chunked, {at_origin("POST", "/c", "hello")}, 1).kind == ViaKind::none);
  // A CL+TE message forwarded by its Transfer-Encoding alone, and nothing after it.
  CHECK(classify(kClTe + kSmuggled, {at_origin("POST", "/clte")}, 1).kind == ViaKind::none);
  // A tail rejected for a non-framing reason (bare LF) forwarded leniently: counted only.
  const ViaDivergence lenient = classify(kGet + "GET /l HTTP/1.1\nHost: h\n\n",
                                         {at_origin("GET", "/g"), at_origin("GET", "/l")}, 2);
  CHECK(lenient.kind == ViaKind::none);
  CHECK(lenient.benign.lenient == 1);
}

TEST_CASE("fuzz-via divergence: smuggled", "[fuzz-via]") {
  const ViaDivergence d =
      classify(kPost, {at_origin("POST", "/p", "hello"), at_origin("GET", "/hidden")}, 1);
  CHECK(d.kind == ViaKind::smuggled);
  CHECK(d.signature() == "smuggled/extra");
  CHECK(d.origin_index == 1);
  CHECK(d.reason.find("SMUGGLED") != std::string::npos);
  const ViaDivergence twice =
      classify(kPost, {at_origin("POST", "/p", "hello"), at_origin("POST", "/p", "hello")}, 1);
  CHECK(twice.signature() == "smuggled/repeat");
  // With a tail, the copy may be a message of the tail that looks the same: judged as such.
  const std::string bad_chunked =
      "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n";
  CHECK(classify(kPost + bad_chunked,
                 {at_origin("POST", "/p", "hello"), at_origin("POST", "/p", "hello")}, 2)
            .signature() == "ambiguous/bad-chunked/forwarded");
}

TEST_CASE("fuzz-via divergence: forwarded out of a framing-ambiguous message", "[fuzz-via]") {
  // CL+TE, then a request the proxy should never have read: the connection MUST close.
  const ViaDivergence after =
      classify(kClTe + kSmuggled, {at_origin("POST", "/clte"), at_origin("GET", "/smuggled")}, 2);
  CHECK(after.kind == ViaKind::ambiguous);
  CHECK(after.signature() == "ambiguous/cl-te/after");
  CHECK(after.origin_index == 1);
  // CL+TE framed by Content-Length: the body is not the Transfer-Encoding reading.
  CHECK(classify(kClTe, {at_origin("POST", "/clte", "0\r\n\r\n")}, 1).signature() ==
        "ambiguous/cl-te/cl-body");
  // An invalid Content-Length: nothing may be forwarded.
  const std::string bad_cl = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello";
  CHECK(classify(bad_cl, {at_origin("POST", "/b", "hello")}, 1).signature() ==
        "ambiguous/bad-cl/forwarded");
  const std::string bad_te = "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nab";
  CHECK(classify(bad_te, {at_origin("POST", "/b", "ab")}, 1).signature() ==
        "ambiguous/bad-te/forwarded");
  // Requests before the ambiguous message are fine; the first one out of it is not.
  const ViaDivergence prefix =
      classify(kGet + bad_cl, {at_origin("GET", "/g"), at_origin("POST", "/b", "hello")}, 2);
  CHECK(prefix.kind == ViaKind::ambiguous);
  CHECK(prefix.origin_index == 1);
}

TEST_CASE("fuzz-via divergence: body and desync", "[fuzz-via]") {
  const ViaDivergence shorter = classify(kPost, {at_origin("POST", "/p", "hel")}, 1);
  CHECK(shorter.kind == ViaKind::body);
  CHECK(shorter.signature() == "body/shorter");
  CHECK(classify(kPost, {at_origin("POST", "/p", "hellohello")}, 1).signature() == "body/longer");
  const ViaDivergence desync = classify(kGet, {at_origin("GET", "/g")}, 2);
  CHECK(desync.kind == ViaKind::desync);
  CHECK(desync.signature() == "desync/extra-response");
  // With a tail, the number of answers is not judged: a lenient proxy may answer each piece
  // of the rejected bytes with a 400 of its own.
  const std::string ctl = "GET /g HTTP/1.1\r\nX: \x01\r\n\r\n5";
  CHECK(classify(ctl, {}, 2).kind == ViaKind::none);
  CHECK(classify(kGet + "G", {at_origin("GET", "/g")}, 3).kind == ViaKind::none);
  // Smuggling takes precedence over the desync it causes.
  CHECK(classify(kGet, {at_origin("GET", "/g"), at_origin("GET", "/x")}, 2).kind ==
        ViaKind::smuggled);
}
