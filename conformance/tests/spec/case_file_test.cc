#include "spec/case_file.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace h1spec;

namespace {

const std::string kGood = R"(# Example topic

Intro.

### EX-ONE: a first case

Why it matters.

> RFC 9112 §5.1: "No whitespace is allowed between the field name and colon."

meta: level=MUST tags=fields,smuggling

```http
GET / HTTP/1.1
Host: {{host}}
X-A : b

```

```expect
status 400
connection closed
or warn: lenient
status 200
header Content-Length
header Content-Type ~ text/
header X: exact value
no-header Transfer-Encoding
body-file index.html
version HTTP/1.1
response HEAD
status 2xx 304
body-empty
connection open
server alive
```

### EX-TWO: split off

> RFC 9110 §9.3.2: "The HEAD method is identical to GET."

meta: level=SHOULD split=no why-no-split="timing matters" close=after-send timeout=500 needs=range,validators

```http
HEAD /x HTTP/1.1\n\
Host: a

```

```http
{{repeat 3 "ab\r"}}\x41\\\
```

```expect
no-response
connection closed
```
)";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CaseFile parse(const std::string& text) { return parse_case_file(text, "x.md"); }

std::string first_error(const std::string& text) {
  const CaseFile f = parse(text);
  return f.errors.empty() ? "" : f.errors.front().describe();
}

}  // namespace

TEST_CASE("a well-formed file parses into cases", "[case_file]") {
  const CaseFile f = parse(kGood);
  INFO((f.errors.empty() ? "" : f.errors.front().describe()));
  REQUIRE(f.errors.empty());
  CHECK(f.topic == "Example topic");
  REQUIRE(f.cases.size() == 2);
  const Case& a = f.cases[0];
  CHECK(a.id == "EX-ONE");
  CHECK(a.title == "a first case");
  CHECK(a.line == 5);
  CHECK(a.rfc == "RFC 9112 §5.1");
  CHECK(a.quote == "No whitespace is allowed between the field name and colon.");
  CHECK(a.prose == "Why it matters.");
  CHECK(a.level == Level::must);
  CHECK(a.has_tag("fields"));
  CHECK(a.has_tag("smuggling"));
  CHECK(a.has_tag("x"));  // the file name is a tag
  REQUIRE(a.sends.size() == 1);
  CHECK(a.sends[0] == "GET / HTTP/1.1\r\nHost: {{host}}\r\nX-A : b\r\n\r\n");
  REQUIRE(a.alternatives.size() == 2);
  CHECK_FALSE(a.alternatives[0].warn);
  CHECK(a.alternatives[0].connection == ConnectionExpect::closed);
  const Alternative& alt = a.alternatives[1];
  CHECK(alt.warn);
  CHECK(alt.warn_reason == "lenient");
  REQUIRE(alt.responses.size() == 2);
  CHECK(alt.responses[0].headers.size() == 4);
  CHECK(alt.responses[0].headers[1].kind == HeaderCheck::Kind::contains);
  CHECK(alt.responses[0].headers[2].kind == HeaderCheck::Kind::equals);
  CHECK(alt.responses[0].headers[2].value == "exact value");
  CHECK(alt.responses[0].headers[3].kind == HeaderCheck::Kind::absent);
  CHECK(alt.responses[0].body.kind == BodyCheck::Kind::file);
  CHECK(alt.responses[0].version == "HTTP/1.1");
  CHECK(alt.responses[1].head);
  CHECK(alt.responses[1].status->matches(204));
  CHECK(alt.responses[1].status->matches(304));
  CHECK_FALSE(alt.responses[1].status->matches(404));
  CHECK(alt.connection == ConnectionExpect::open);
  CHECK(alt.server_alive);

  const Case& b = f.cases[1];
  CHECK(b.level == Level::should);
  CHECK_FALSE(b.split);
  CHECK(b.why_no_split == "timing matters");
  CHECK(b.close == CloseAction::after_send);
  CHECK(b.timeout_ms == 500);
  CHECK(b.needs == std::vector<Capability>{Capability::range, Capability::validators});
  CHECK(f.cases[0].needs.empty());
  REQUIRE(b.sends.size() == 2);
  CHECK(b.sends[0] == "HEAD /x HTTP/1.1\nHost: a\r\n\r\n");
  CHECK(b.sends[1] == "ab\rab\rab\rA\\");
  CHECK(b.alternatives[0].no_response);
}

TEST_CASE("byte rules: CRLF per line, joins, escapes, repeat", "[case_file]") {
  std::string out, err;
  REQUIRE(decode_bytes({"a", "b\\", "c\\x00\\t\\\\", ""}, out, err));
  CHECK(out == std::string("a\r\nbc\x00\t\\\r\n\r\n", 12));
  out.clear();
  REQUIRE(decode_bytes({"x{{repeat 4 \"\\\"\"}}y\\"}, out, err));
  CHECK(out == "x\"\"\"\"y");
  out.clear();
  CHECK_FALSE(decode_bytes({"\\q"}, out, err));
  CHECK(err.find("unknown escape") != std::string::npos);
  CHECK_FALSE(decode_bytes({"\\x4"}, out, err));
  CHECK_FALSE(decode_bytes({"{{repeat 20000000 \"ab\"}}"}, out, err));
  CHECK_FALSE(decode_bytes({"{{repeat 9223372036854775809 \"ab\"}}"}, out, err));
  CHECK_FALSE(decode_bytes({"{{repeat x \"ab\"}}"}, out, err));
  CHECK(expand_host("Host: {{host}}\r\n{{host}}", "h:1") == "Host: h:1\r\nh:1");
}

TEST_CASE("body-file takes quoted paths and byte ranges", "[case_file]") {
  const std::string head =
      "# T\n### EX-B: b\n> RFC 9110 §1: \"x\"\nmeta: level=MAY\n```http\nGET / "
      "HTTP/1.1\n\n```\n```expect\n";
  const CaseFile f = parse(
      head + "body-file \"caf\xc3\xa9 menu.txt\" BYTES 2-5\nresponse\nbody-file a.txt\n```\n");
  REQUIRE(f.errors.empty());
  const auto& rs = f.cases[0].alternatives[0].responses;
  CHECK(rs[0].body.kind == BodyCheck::Kind::file_range);
  CHECK(rs[0].body.text == "caf\xc3\xa9 menu.txt");
  CHECK(rs[0].body.first == 2);
  CHECK(rs[0].body.last == 5);
  CHECK(rs[1].body.kind == BodyCheck::Kind::file);
  CHECK_FALSE(parse(head + "body-file a.txt BYTES 5-2\n```\n").errors.empty());
  CHECK_FALSE(parse(head + "version HTTP/2\n```\n").errors.empty());
}

TEST_CASE("malformed cases name the file and line", "[case_file]") {
  std::string bad = kGood;
  SECTION("bad level") {
    bad.replace(bad.find("level=MUST"), 10, "level=MUCH");
    CHECK(first_error(bad) == "x.md:11: level must be MUST, SHOULD or MAY");
  }
  SECTION("unknown expect statement") {
    bad.replace(bad.find("status 400"), 10, "stats 400");
    CHECK(first_error(bad) == "x.md:21: unknown expect statement \"stats\"");
  }
  SECTION("bad escape in http block") {
    bad.replace(bad.find("X-A : b"), 7, "X-A: \\q");
    // The error names the line of the bad escape, not the fence (line 13).
    CHECK(first_error(bad).rfind("x.md:16: in ```http block: unknown escape", 0) == 0);
  }
  SECTION("missing RFC quote") {
    const std::size_t at = bad.find("> RFC 9112");
    bad.erase(at, bad.find('\n', at) - at);
    CHECK(first_error(bad).rfind("x.md:5: EX-ONE: no", 0) == 0);
  }
  SECTION("bad id") {
    bad.replace(bad.find("EX-ONE"), 6, "ex_one");
    CHECK(first_error(bad).rfind("x.md:5: bad case id", 0) == 0);
  }
  SECTION("split=no without a reason") {
    bad.replace(bad.find(" why-no-split=\"timing matters\""), 30, "");
    CHECK(first_error(bad).find("split=no needs why-no-split") != std::string::npos);
  }
  SECTION("unterminated fence") {
    bad += "\n```http\nGET";
    CHECK(first_error(bad).find("unterminated") != std::string::npos);
  }
  SECTION("duplicate id") {
    bad.replace(bad.find("EX-TWO"), 6, "EX-ONE");
    CHECK(first_error(bad).find("duplicate case id EX-ONE") != std::string::npos);
  }
  SECTION("unknown capability") {
    bad.replace(bad.find("needs=range"), 11, "needs=ranges");
    CHECK(first_error(bad) ==
          "x.md:42: needs: unknown capability \"ranges\" (known: range, options, validators)");
  }
  SECTION("bad status") {
    bad.replace(bad.find("status 400"), 10, "status 4x0");
    CHECK(first_error(bad) == "x.md:21: bad status \"4x0\"");
  }
  SECTION("an alternative that checks nothing") {
    bad.replace(bad.find("or warn: lenient"), 16, "or\nor");
    CHECK(first_error(bad).find("checks nothing") != std::string::npos);
  }
  SECTION("cut-response without connection closed") {
    bad.replace(bad.find("or warn: lenient"), 16, "or\ncut-response\nor warn: lenient");
    CHECK(first_error(bad).find("cut-response stands alone with connection closed") !=
          std::string::npos);
  }
}

TEST_CASE("the README's worked examples are valid expect blocks", "[case_file]") {
  const std::string readme = read_file(H1SPEC_README);
  REQUIRE(!readme.empty());
  std::size_t examples = 0;
  for (std::size_t pos = readme.find("\n```expect\n"); pos != std::string::npos;
       pos = readme.find("\n```expect\n", pos + 1)) {
    ++pos;
    const std::size_t end = readme.find("\n```", pos + 9);
    REQUIRE(end != std::string::npos);
    const std::string block = readme.substr(pos, end + 4 - pos);
    const std::string text =
        "# T\n### EX-README: example\n> RFC 9110 §1: \"x\"\nmeta: level=MAY\n"
        "```http\nGET / HTTP/1.1\n\n```\n" +
        block + "\n";
    const CaseFile f = parse(text);
    INFO(block);
    CHECK(f.errors.empty());
    ++examples;
  }
  CHECK(examples >= 7);
}

TEST_CASE("every shipped case file parses and ids are unique", "[case_file]") {
  std::set<std::string> ids;
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(H1SPEC_CASES_DIR)) {
    if (entry.path().extension() != ".md") continue;
    const CaseFile f =
        parse_case_file(read_file(entry.path().string()), entry.path().filename().string());
    for (const CaseFileError& e : f.errors) FAIL_CHECK(e.describe());
    for (const Case& c : f.cases) {
      CHECK(ids.insert(c.id).second);
      CHECK_FALSE(c.quote.empty());
      ++count;
    }
  }
  CHECK(count > 0);
}
