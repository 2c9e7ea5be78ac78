// Unit tests of the case a `h1spec fuzz --via` finding is written as (diff/fuzz_via_case.h):
// the rendered Markdown is parsed back with spec/case_file.h and its blocks checked.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "diff/fuzz_via_case.h"
#include "diff/fuzz_via_seeds.h"
#include "spec/case_file.h"

using namespace h1spec;
using namespace h1spec::fuzz;

namespace {

Request at_origin(std::string method, std::string target, std::string body = "") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

ViaFinding finding(std::string bytes, std::vector<Request> origin, std::vector<int> statuses) {
  static const std::vector<Seed> seeds = via_seeds();
  ViaFinding f;
  f.minimal.bytes = std::move(bytes);
  f.original = f.minimal;
  f.original.ops = "seed";
  f.at_origin = std::move(origin);
  f.statuses = std::move(statuses);
  f.divergence = classify_via(client_view(f.minimal.bytes), f.at_origin, f.statuses.size());
  f.key = via_finding_key(f.divergence, f.minimal.bytes);
  f.id = "FUZZVIA-TEST-0000ABCD";
  f.proxy_name = "127.0.0.1:1";
  f.origin_port = 2;
  f.seed = &seeds.front();
  return f;
}

Case parse_back(const ViaFinding& f) {
  const std::string md = via_case_markdown(f);
  INFO(md);
  const CaseFile parsed = parse_case_file(md, "finding.md");
  for (const CaseFileError& e : parsed.errors) FAIL(e.describe());
  REQUIRE(parsed.cases.size() == 1);
  CHECK(parsed.topic == kViaTopic);
  return parsed.cases[0];
}

}  // namespace

TEST_CASE("fuzz-via case: a CL+TE finding parses back as a two-sided proxy case", "[fuzz-via]") {
  const std::string bytes =
      "POST /clte HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
  const ViaFinding f = finding(
      bytes, {at_origin("POST", "/clte", "abc"), at_origin("GET", "/smuggled")}, {200, 200});
  REQUIRE(f.divergence.signature() == "ambiguous/cl-te/after");
  const Case c = parse_back(f);
  CHECK(c.id == f.id);
  CHECK(c.has_tag("proxy"));
  CHECK(c.has_tag("fuzz-via"));
  CHECK(c.has_tag("ambiguous"));
  CHECK(c.level == Level::must);
  CHECK(c.rfc == "RFC 9112 §6.1");
  CHECK(c.close == CloseAction::none);  // the input does not end inside a message
  CHECK_FALSE(c.split);
  REQUIRE(c.sends.size() == 1);
  CHECK(c.sends[0] == bytes);
  // The origin side: at most the message read by Transfer-Encoding, body "abc".
  REQUIRE(c.origin_expect.has_value());
  REQUIRE(c.origin_expect->alternatives.size() == 1);
  const OriginAlternative& alt = c.origin_expect->alternatives[0];
  CHECK(alt.count_kind == OriginAlternative::Count::at_most);
  CHECK(alt.count == 1);
  REQUIRE(alt.requests.size() == 1);
  CHECK(alt.requests[0].method == "POST");
  CHECK(alt.requests[0].target == "/clte");
  CHECK(alt.requests[0].body.kind == BodyCheck::Kind::exact);
  CHECK(alt.requests[0].body.text == "abc");
  // The client side: one answer, then the close; or, as a warning, the close alone.
  REQUIRE(c.alternatives.size() == 2);
  CHECK(c.alternatives[0].responses.size() == 1);
  CHECK(c.alternatives[0].connection == ConnectionExpect::closed);
  CHECK(c.alternatives[1].warn);
  CHECK(c.alternatives[1].no_response);
}

TEST_CASE("fuzz-via case: nothing forwarded out of a bad Content-Length", "[fuzz-via]") {
  const std::string bytes =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n"
      "\r\na\"{";
  const ViaFinding f =
      finding(bytes, {at_origin("GET", "/a"), at_origin("POST", "/b", "a\"{")}, {200, 200});
  REQUIRE(f.divergence.signature() == "ambiguous/bad-cl/forwarded");
  const Case c = parse_back(f);
  CHECK(c.rfc == "RFC 9112 §6.3");
  REQUIRE(c.sends.size() == 1);
  CHECK(c.sends[0] == bytes);
  const OriginAlternative& alt = c.origin_expect->alternatives.at(0);
  CHECK(alt.count == 1);
  REQUIRE(alt.requests.size() == 1);
  CHECK(alt.requests[0].target == "/a");
  CHECK(alt.requests[0].body.kind == BodyCheck::Kind::empty);
  REQUIRE_FALSE(c.alternatives.empty());
  REQUIRE(c.alternatives[0].responses.size() == 2);
  REQUIRE(c.alternatives[0].responses[1].status.has_value());
  CHECK(c.alternatives[0].responses[1].status->codes == std::vector<int>{400});
}

TEST_CASE("fuzz-via case: writes, escapes, and nothing forwarded", "[fuzz-via]") {
  std::string bytes =
      "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: "
      "2\r\n\r\n";
  bytes += std::string(1, '\0') + "\n";      // a NUL and a bare LF in the body
  bytes.insert(bytes.begin() + 24, '\x7f');  // in the Host value: the reader rejects it
  ViaFinding f = finding(bytes, {at_origin("POST", "/x", "y")}, {200});
  f.minimal.cuts = {10, 30};
  const Case c = parse_back(f);
  REQUIRE(c.sends.size() == 3);
  CHECK(c.sends[0] + c.sends[1] + c.sends[2] == bytes);
  CHECK(c.sends[0].size() == 10);
  CHECK(c.sends[2].ends_with(std::string(1, '\0') + "\n"));
  CHECK(c.close == CloseAction::none);
  const ViaFinding cut_short = finding("POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\nab",
                                       {at_origin("POST", "/x", "ab")}, {200});
  CHECK(cut_short.divergence.signature() == "ambiguous/incomplete-body/forwarded");
  CHECK(parse_back(cut_short).close == CloseAction::after_send);
  REQUIRE(c.origin_expect.has_value());
  CHECK(c.origin_expect->alternatives.at(0).nothing_forwarded);
}

TEST_CASE("fuzz-via case: the key groups by signature and field names", "[fuzz-via]") {
  ViaDivergence d;
  d.kind = ViaKind::body;
  d.detail = "shorter";
  CHECK(via_finding_key(d, "POST / HTTP/1.1\r\nB: 1\r\na: 2\r\n\r\n") == "body/shorter|a,b,");
  const std::vector<Request> fw =
      correct_forwarding(client_view("GET /1 HTTP/1.1\r\nConnection: close\r\n\r\n"
                                     "GET /2 HTTP/1.1\r\n\r\n"));
  REQUIRE(fw.size() == 1);
  CHECK(fw[0].target == "/1");
}

TEST_CASE("fuzz-via seeds: the framing seeds read as the shapes they are named for", "[fuzz-via]") {
  const std::vector<Seed> seeds = via_seeds();
  REQUIRE(seeds.size() >= 10);
  int cl_te = 0, pairs = 0;
  for (const Seed& s : seeds) {
    INFO(s.id);
    CHECK(s.id.starts_with("VIA-SEED-"));
    CHECK_FALSE(s.quote.empty());
    const ClientView v = client_view(s.bytes);
    if (v.ambiguity == Ambiguity::cl_te) ++cl_te;
    if (!v.has_tail && v.requests.size() == 2) ++pairs;
    CHECK((!v.has_tail || v.ambiguity == Ambiguity::cl_te));
  }
  CHECK(cl_te >= 2);
  CHECK(pairs >= 5);
}
