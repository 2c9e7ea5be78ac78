// Unit tests of `h1spec fuzz`'s pure parts: mutants, outcomes, comparison, minimisation and
// the case a finding is written as.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "diff/fuzz_finding.h"
#include "diff/fuzz_minimize.h"
#include "diff/fuzz_mutate.h"
#include "diff/fuzz_outcome.h"
#include "spec/case_file.h"

using namespace h1spec;
using namespace h1spec::fuzz;

namespace {

std::vector<Seed> two_seeds() {
  return {
      Seed{"A-ONE", "GET /index.html HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n",
           "RFC 9112 §3", "x"},
      Seed{"B-TWO",
           "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
           "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
           "RFC 9112 §6", "y"},
  };
}

Outcome with(std::vector<int> statuses, End end = End::closed) {
  Outcome o;
  o.statuses = std::move(statuses);
  o.end = end;
  return o;
}

}  // namespace

TEST_CASE("the first mutants are the seeds, the rest depend only on seed and index", "[fuzz]") {
  const std::vector<Seed> seeds = two_seeds();
  CHECK(make_mutant(seeds, 9, 0).bytes == seeds[0].bytes);
  CHECK(make_mutant(seeds, 9, 1).bytes == seeds[1].bytes);
  CHECK(make_mutant(seeds, 9, 1).cuts.empty());
  std::size_t differ_by_seed = 0, changed = 0;
  for (std::uint64_t i = 2; i < 302; ++i) {
    const Mutant a = make_mutant(seeds, 9, i);
    const Mutant b = make_mutant(seeds, 9, i);
    REQUIRE(a.bytes == b.bytes);
    REQUIRE(a.cuts == b.cuts);
    REQUIRE(a.ops == b.ops);
    for (const std::size_t c : a.cuts) {
      REQUIRE(c > 0);
      REQUIRE(c < a.bytes.size());
    }
    differ_by_seed += make_mutant(seeds, 10, i).bytes != a.bytes;
    changed += a.bytes != seeds[a.seed].bytes;
  }
  CHECK(differ_by_seed > 250);
  CHECK(changed > 250);
}

TEST_CASE("every mutator is reached and favours the meaningful bytes", "[fuzz]") {
  const std::vector<Seed> seeds = two_seeds();
  std::set<std::string> ops;
  std::size_t meaningful = 0, replaced = 0;
  for (std::uint64_t i = 2; i < 5002; ++i) {
    const Mutant m = make_mutant(seeds, 1, i);
    std::size_t from = 0;
    for (std::size_t comma = 0; comma != std::string::npos; from = comma + 1) {
      comma = m.ops.find(',', from);
      ops.insert(m.ops.substr(from, comma == std::string::npos ? comma : comma - from));
    }
    if (m.ops == "replace-byte" && m.bytes.size() == seeds[m.seed].bytes.size()) {
      for (std::size_t k = 0; k < m.bytes.size(); ++k) {
        if (m.bytes[k] == seeds[m.seed].bytes[k]) continue;
        ++replaced;
        meaningful += std::string_view("\r\n\0:\t ", 6).find(m.bytes[k]) != std::string::npos;
      }
    }
  }
  for (const char* op :
       {"insert-byte", "delete-byte", "replace-byte", "dup-header", "delete-header",
        "insert-header", "method", "concat", "shift-boundary", "cut"}) {
    INFO(op);
    CHECK(ops.count(op) == 1);
  }
  REQUIRE(replaced > 50);
  CHECK(meaningful * 100 / replaced >= 45);  // 60 % chosen from them, less unchanged ones
}

TEST_CASE("head lines and message boundaries", "[fuzz]") {
  const std::string two = "GET / HTTP/1.1\r\nA: 1\r\n\r\nGET /x HTTP/1.1\nB: 2\n\n";
  const std::vector<LineSpan> lines = head_lines(two);
  REQUIRE(lines.size() == 3);
  CHECK(two.substr(lines[1].begin, lines[1].end - lines[1].begin) == "A: 1\r\n");
  CHECK(two.substr(lines[2].begin, lines[2].end - lines[2].begin) == "\r\n");
  CHECK(boundaries(two) == std::vector<std::size_t>{24, two.size()});
}

TEST_CASE("outcomes: responses, HEAD answers, interim responses and garbage", "[fuzz]") {
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  const std::string bad =
      "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  CHECK(outcome_from(ok + bad, End::closed).statuses == std::vector<int>{200, 400});
  CHECK(outcome_from(head + ok, End::closed).statuses == std::vector<int>{200, 200});
  CHECK(outcome_from(head, End::closed).statuses == std::vector<int>{200});
  CHECK(outcome_from("HTTP/1.1 100 Continue\r\n\r\n" + ok, End::closed).statuses ==
        std::vector<int>{200});
  const Outcome junk = outcome_from(ok + "garbage\r\n", End::reset);
  CHECK(junk.statuses == std::vector<int>{200});
  CHECK(junk.malformed);
  CHECK(junk.end == End::reset);
  CHECK(describe(junk) == "200 +garbage | reset");
  CHECK(outcome_from("", End::timeout).statuses.empty());
}

TEST_CASE("comparison classes", "[fuzz]") {
  CHECK(compare(with({200, 404}), with({200, 404})).kind == Kind::same);
  CHECK(compare(with({200, 200}), with({200, 404})).kind == Kind::same);  // both accepted
  const Difference danger = compare(with({405, 200}), with({400}));
  CHECK(danger.kind == Kind::danger);
  CHECK(danger.at == 0);
  CHECK(danger.signature() == "danger:A/R400");
  CHECK(compare(with({200, 200}), with({200})).kind == Kind::framing);
  CHECK(compare(with({200}), with({})).kind == Kind::danger);        // the oracle dropped it
  CHECK(compare(with({}), with({200})).kind == Kind::strictness);    // the target dropped it
  CHECK(compare(with({405, 200}), with({501})).kind == Kind::same);  // 405 ~ 501, then stop
  CHECK(compare(with({404}), with({501}), "T / HTTP/1.1\r\n\r\n").kind == Kind::benign);
  CHECK(compare(with({200}), with({501}), "GET / HTTP/1.1\r\ntransfer-encoding: x\r\n\r\n").kind ==
        Kind::danger);
  CHECK(compare(with({404}), with({501}), "I / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            .kind == Kind::benign);  // an unknown method
  CHECK(compare(with({404}), with({501}), "GET / HTTP/1.1\r\n\r\nTransfer-Encoding").kind ==
        Kind::benign);  // the name, but not as a field line
  CHECK(compare(with({501}), with({405})).kind == Kind::same);
  CHECK(compare(with({200}), with({200, 200})).kind == Kind::framing);
  const Difference strict = compare(with({200, 400}), with({200, 200}));
  CHECK(strict.kind == Kind::strictness);
  CHECK(strict.at == 1);
  CHECK(compare(with({400}), with({501})).kind == Kind::benign);
  CHECK(compare(with({400}), with({})).kind == Kind::benign);
  CHECK(compare(with({}), with({})).kind == Kind::same);
  CHECK(!is_rejection(404));
  CHECK(is_rejection(431));
}

TEST_CASE("minimisation keeps the discrepancy, keeps CRLFs whole and respects its budget",
          "[fuzz]") {
  Mutant m;
  m.bytes =
      "POST /index.html HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nContent-Length: 5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n";
  m.cuts = {10, 40};
  const auto keeps = [](const Mutant& c) {
    return c.bytes.find("Content-Length") != std::string::npos &&
           c.bytes.find("Transfer-Encoding: chunked\r\n") != std::string::npos;
  };
  MinimizeStats stats;
  const Mutant small = minimize(m, keeps, 2000, &stats);
  CHECK(keeps(small));
  CHECK(small.cuts.empty());  // sent whole when that keeps it
  CHECK(small.bytes.size() < 50);
  CHECK(small.bytes.find("GET") == std::string::npos);
  for (std::size_t i = 0; i < small.bytes.size(); ++i) {
    if (small.bytes[i] == '\n') CHECK((i > 0 && small.bytes[i - 1] == '\r'));
  }
  CHECK(stats.tries <= 2000);
  CHECK(stats.accepted > 0);

  MinimizeStats tight;
  (void)minimize(m, keeps, 7, &tight);
  CHECK(tight.tries == 7);
}

TEST_CASE("a finding is a case that parses back to the same bytes and the oracle's outcome",
          "[fuzz]") {
  const std::vector<Seed> seeds = two_seeds();
  Finding f;
  f.id = "FUZZ-DANGER-0000ABCD";
  // A backslash, a template's braces, quotes, control and high bytes, a NUL, a bare LF, a
  // CR at a line's end, a write cut inside a CRLF, and no line end at the very end.
  f.minimal.bytes = std::string("GET /a\\b{{repeat 2 \"z\"}} HTTP/1.1\r\nX: \"q\"\t\x01\xff") +
                    std::string(1, '\0') + "\r\nY: bare\nZ: cr\r\r\n\r\npartial";
  f.minimal.cuts = {5, 34};  // 34: between a CR and its LF
  f.original = f.minimal;
  f.difference = compare(with({200}), with({400, 400}));
  f.target = with({200});
  f.oracle = with({400}, End::closed);
  f.seed = &seeds[0];
  const std::string md = "# Fuzz findings\n\n" + case_markdown(f);
  const CaseFile parsed = parse_case_file(md, "fuzz.md");
  INFO(md);
  for (const CaseFileError& e : parsed.errors) FAIL(e.describe());
  REQUIRE(parsed.cases.size() == 1);
  const Case& c = parsed.cases[0];
  CHECK(c.id == f.id);
  REQUIRE(c.sends.size() == 3);
  CHECK(c.sends[0] == f.minimal.bytes.substr(0, 5));
  // The replay expands {{host}}: the bytes must come out as the fuzzer sent them.
  CHECK(expand_host(c.sends[0] + c.sends[1] + c.sends[2], "other:1") == f.minimal.bytes);
  CHECK(c.close == CloseAction::after_send);
  REQUIRE(c.alternatives.size() == 1);
  REQUIRE(c.alternatives[0].responses.size() == 1);
  CHECK(c.alternatives[0].responses[0].status->codes == std::vector<int>{400});
  CHECK(c.alternatives[0].connection == ConnectionExpect::closed);
  CHECK(c.rfc == "RFC 9112 §3");
}

TEST_CASE("findings are keyed by class, where they part and the field names left", "[fuzz]") {
  const Difference d = compare(with({405}), with({400}));
  CHECK(finding_key(d, "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: x\r\n\r\n") ==
        finding_key(d, "PUT /x HTTP/1.1\r\ntransfer-encoding:y\r\nCONTENT-LENGTH:2\r\n\r\n"));
  CHECK(finding_key(d, "POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\n") !=
        finding_key(d, "POST / HTTP/1.1\r\nTransfer-Encoding: 1\r\n\r\n"));
}
