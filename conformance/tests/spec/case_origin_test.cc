#include "spec/case_origin.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "spec/case_file.h"

using namespace h1spec;

namespace {

// A proxy case: heading on line 2, the origin blocks from line 9 on.
std::string proxy_case(const std::string& origin_blocks, const std::string& tags = "proxy") {
  return "# T\n### EX-PROXY: p\n> RFC 9110 §7.6: \"x\"\nmeta: level=MUST tags=" + tags +
         "\n```http\nGET / HTTP/1.1\n\n```\n" + origin_blocks + "```expect\nstatus 200\n```\n";
}

CaseFile parse(const std::string& origin_blocks, const std::string& tags = "proxy") {
  return parse_case_file(proxy_case(origin_blocks, tags), "p.md");
}

std::string first_error(const std::string& origin_blocks, const std::string& tags = "proxy") {
  const CaseFile f = parse(origin_blocks, tags);
  return f.errors.empty() ? "" : f.errors.front().describe();
}

Case only_case(const CaseFile& f) {
  INFO((f.errors.empty() ? "" : f.errors.front().describe()));
  REQUIRE(f.errors.empty());
  REQUIRE(f.cases.size() == 1);
  return f.cases[0];
}

}  // namespace

TEST_CASE("origin-reply blocks follow the byte rules, in order", "[case_origin]") {
  const CaseFile f = parse(
      "```origin-reply\nHTTP/1.1 200 OK\nContent-Length: 2\n\nhi\\\n```\n"
      "```origin-reply close\nHTTP/1.1 404 Not Found\\r\\n\\\n```\n"
      "```origin-reply close\n```\n");
  const Case c = only_case(f);
  REQUIRE(c.origin_replies.size() == 3);
  CHECK(c.origin_replies[0].bytes == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
  CHECK_FALSE(c.origin_replies[0].close);
  CHECK(c.origin_replies[0].line == 9);
  CHECK(c.origin_replies[1].bytes == "HTTP/1.1 404 Not Found\r\n");
  CHECK(c.origin_replies[1].close);
  CHECK(c.origin_replies[2].bytes.empty());  // close without a reply
  CHECK(c.origin_replies[2].close);
  CHECK_FALSE(c.origin_expect);
}

TEST_CASE("origin-expect: every statement", "[case_origin]") {
  const Case c =
      only_case(parse("```origin-expect\n"
                      "# a comment, then a blank line\n"
                      "\n"
                      "requests at most 3\n"
                      "request GET /index.html\n"
                      "version HTTP/1.1\n"
                      "header Host\n"
                      "header X-A: 1\n"
                      "header Via ~ h1\n"
                      "no-header Connection\n"
                      "body \"a\\r\\n\"\n"
                      "request POST\n"
                      "body-length 5\n"
                      "request\n"
                      "body-empty\n"
                      "or\n"
                      "nothing forwarded\n"
                      "or warn: forwarded twice\n"
                      "requests 2\n"
                      "```\n"));
  REQUIRE(c.origin_expect);
  const OriginExpect& e = *c.origin_expect;
  CHECK(e.line == 9);
  REQUIRE(e.alternatives.size() == 3);
  const OriginAlternative& a = e.alternatives[0];
  CHECK_FALSE(a.warn);
  CHECK(a.count_kind == OriginAlternative::Count::at_most);
  CHECK(a.count == 3);
  REQUIRE(a.requests.size() == 3);
  const ExpectedRequest& r = a.requests[0];
  CHECK(r.method == "GET");
  CHECK(r.target == "/index.html");
  CHECK(r.version == "HTTP/1.1");
  CHECK(r.line == 13);
  REQUIRE(r.headers.size() == 4);
  CHECK(r.headers[0].kind == HeaderCheck::Kind::present);
  CHECK(r.headers[1].kind == HeaderCheck::Kind::equals);
  CHECK(r.headers[1].value == "1");
  CHECK(r.headers[2].kind == HeaderCheck::Kind::contains);
  CHECK(r.headers[3].kind == HeaderCheck::Kind::absent);
  CHECK(r.headers[3].name == "Connection");
  CHECK(r.body.kind == BodyCheck::Kind::exact);
  CHECK(r.body.text == "a\r\n");
  CHECK(a.requests[1].method == "POST");
  CHECK(a.requests[1].target.empty());
  CHECK(a.requests[1].body.kind == BodyCheck::Kind::length);
  CHECK(a.requests[1].body.length == 5);
  CHECK(a.requests[2].method.empty());
  CHECK(a.requests[2].body.kind == BodyCheck::Kind::empty);
  const OriginAlternative& none = e.alternatives[1];
  CHECK(none.nothing_forwarded);
  CHECK(none.count == 0);
  CHECK(none.count_kind == OriginAlternative::Count::exactly);
  const OriginAlternative& warn = e.alternatives[2];
  CHECK(warn.warn);
  CHECK(warn.warn_reason == "forwarded twice");
  CHECK(warn.count == 2);
  CHECK(warn.requests.empty());
}

TEST_CASE("origin-expect: the count defaults to the requests described", "[case_origin]") {
  const Case c = only_case(parse("```origin-expect\nheader Via\nrequest\nrequest\n```\n"));
  const OriginAlternative& a = c.origin_expect->alternatives.at(0);
  // A statement before any request line opens the first request, as in ```expect blocks.
  CHECK(a.requests.size() == 3);
  CHECK(a.requests[0].headers.size() == 1);
  CHECK(a.count == 3);
  CHECK(a.count_kind == OriginAlternative::Count::exactly);
}

TEST_CASE("the proxy tag may come from the file name", "[case_origin]") {
  const CaseFile f =
      parse_case_file(proxy_case("```origin-expect\nnothing forwarded\n```\n", "x"), "proxy.md");
  CHECK(only_case(f).has_tag("proxy"));
}

TEST_CASE("cases without origin blocks have none", "[case_origin]") {
  const Case c = only_case(parse(""));
  CHECK(c.origin_replies.empty());
  CHECK_FALSE(c.origin_expect);
}

TEST_CASE("malformed origin blocks name the file and line", "[case_origin]") {
  const std::string x = "```origin-expect\n";  // the fence is line 9, its first line 10
  CHECK(first_error("```origin-expect\nnothing forwarded\n```\n", "fields") ==
        "p.md:9: EX-PROXY: an origin block needs tags=proxy in meta:");
  CHECK(first_error("```origin-reply keep\nHTTP/1.1 200 OK\n```\n") ==
        "p.md:9: ```origin-reply takes nothing or \"close\", not \"keep\"");
  CHECK(first_error("```origin-reply close now\nHTTP/1.1 200 OK\n```\n") ==
        "p.md:9: ```origin-reply takes nothing or \"close\", not \"close now\"");
  CHECK(first_error("```origin-reply\nHTTP/1.1 200 OK\nX: \\q\n```\n") ==
        "p.md:11: in ```origin-reply: unknown escape \\q");
  CHECK(first_error("```origin-expect close\nnothing forwarded\n```\n") ==
        "p.md:9: unknown block ```origin-expect close (known: origin-reply, origin-reply close, "
        "origin-expect)");
  CHECK(first_error("```origin-replies\nHTTP/1.1 200 OK\n```\n") ==
        "p.md:9: unknown block ```origin-replies (known: origin-reply, origin-reply close, "
        "origin-expect)");
  CHECK(first_error("```origin-reply\n```\n") ==
        "p.md:9: an empty ```origin-reply sends nothing: write ```origin-reply close to close "
        "without a reply");
  CHECK(first_error(x + "nothing forwarded\n```\n" + x + "nothing forwarded\n```\n") ==
        "p.md:12: a second ```origin-expect block");
  CHECK(first_error(x + "requests 1\nstatus 200\n```\n") ==
        "p.md:11: unknown origin-expect statement \"status\"");
  CHECK(first_error(x + "request GET / extra\n```\n") ==
        "p.md:10: request takes at most a method and a target");
  CHECK(first_error(x + "request GE(T /\n```\n") == "p.md:10: bad method \"GE(T\"");
  CHECK(first_error(x + "requests\n```\n") ==
        "p.md:10: expected \"requests N\" or \"requests at most N\"");
  CHECK(first_error(x + "requests at least 2\n```\n") ==
        "p.md:10: expected \"requests N\" or \"requests at most N\"");
  CHECK(first_error(x + "requests -1\n```\n") ==
        "p.md:10: expected \"requests N\" or \"requests at most N\"");
  CHECK(first_error(x + "requests 1\nrequests 2\n```\n") ==
        "p.md:11: a second requests line in one alternative");
  CHECK(first_error(x + "nothing sent\n```\n") == "p.md:10: expected \"nothing forwarded\"");
  CHECK(first_error(x + "nothing forwarded\nrequest GET /\n```\n") ==
        "p.md:10: nothing forwarded together with expected requests");
  CHECK(first_error(x + "nothing forwarded\nrequests 0\n```\n") ==
        "p.md:10: nothing forwarded together with expected requests");
  CHECK(first_error(x + "# only a comment\n```\n") ==
        "p.md:10: an alternative that checks nothing (write \"nothing forwarded\" for no "
        "request)");
  CHECK(first_error(x + "requests 1\nrequest\nrequest\n```\n") ==
        "p.md:10: requests 1, but 2 requests are described");
  CHECK(first_error(x + "requests at most 1\nor\nrequest\nrequest\nrequests at most 1\n```\n") ==
        "p.md:11: requests at most 1, but 2 requests are described");
  CHECK(first_error(x + "request\nor maybe\n```\n") ==
        "p.md:11: expected \"or\" or \"or warn: reason\"");
  CHECK(first_error(x + "header\n```\n") == "p.md:10: header needs a field name");
  CHECK(first_error(x + "header A B: c\n```\n") == "p.md:10: bad field name in \"header A B: c\"");
  CHECK(first_error(x + "version HTTP/2\n```\n") == "p.md:10: version needs HTTP/D.D");
  CHECK(first_error(x + "body abc\n```\n") == "p.md:10: body needs a quoted text");
  CHECK(first_error(x + "body \"\\q\"\n```\n") ==
        "p.md:10: body needs a quoted text: unknown escape \\q");
  CHECK(first_error(x + "body-length x\n```\n") == "p.md:10: bad body statement \"body-length x\"");
  CHECK(first_error(x + "body-empty now\n```\n") ==
        "p.md:10: bad body statement \"body-empty now\"");
}

TEST_CASE("the README's whole proxy case parses", "[case_origin]") {
  std::ifstream in(H1SPEC_README, std::ios::binary);
  std::ostringstream readme;
  readme << in.rdbuf();
  const std::string text = readme.str();
  const std::size_t open = text.find("\n~~~markdown\n");
  REQUIRE(open != std::string::npos);
  const std::size_t body = open + 13;
  const std::size_t close = text.find("\n~~~\n", body);
  REQUIRE(close != std::string::npos);
  const CaseFile f =
      parse_case_file("# Proxy\n" + text.substr(body, close + 1 - body), "readme.md");
  const Case c = only_case(f);
  CHECK(c.id == "PX-CONN-DROPPED");
  CHECK(c.has_tag("proxy"));
  REQUIRE(c.origin_replies.size() == 1);
  CHECK(c.origin_replies[0].bytes == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
  REQUIRE(c.origin_expect);
  CHECK(c.origin_expect->alternatives.at(0).requests.at(0).headers.size() == 2);
}
