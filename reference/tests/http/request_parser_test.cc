#include "http/request_parser.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace h1::http;
using namespace std::string_literals;

namespace {

struct Outcome {
  ParseResult result;
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> fields;
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;
  bool close = false;
  bool operator==(const Outcome&) const = default;
};

Outcome snapshot(const RequestParser& p, ParseResult r) {
  Outcome o{r, {}, {}, {}, {}, 0, false};
  if (!r.complete()) return o;
  const Request& q = p.request();
  o.method = std::string(q.line.method);
  o.target = std::string(q.line.target);
  for (const Field& f : q.fields) o.fields.emplace_back(f.name, f.value);
  o.framing = q.framing;
  o.content_length = q.content_length;
  o.close = q.connection_close;
  return o;
}

// Parses `input` whole, then as every growing prefix (one byte at a time), then split once
// at every point; every run must give the same outcome. Returns the whole-input outcome.
Outcome parse_every_way(const std::string& input, const Limits& limits = Limits{}) {
  std::array<Field, 128> storage{};
  RequestParser whole(limits, storage);
  Outcome expected = snapshot(whole, whole.parse({input.data(), input.size()}));

  std::array<Field, 128> storage2{};
  RequestParser bytewise(limits, storage2);
  ParseResult r;
  for (std::size_t k = 1; k <= input.size(); ++k) {
    r = bytewise.parse({input.data(), k});
    if (!r.need_more()) break;
  }
  if (input.empty()) r = bytewise.parse({input.data(), 0});
  INFO("input: " << input);
  CHECK(snapshot(bytewise, r) == expected);

  for (std::size_t k = 0; k <= input.size(); ++k) {
    std::array<Field, 128> s{};
    RequestParser split(limits, s);
    ParseResult first = split.parse({input.data(), k});
    ParseResult second = first.need_more() ? split.parse({input.data(), input.size()}) : first;
    INFO("split at " << k);
    CHECK(snapshot(split, second) == expected);
  }
  return expected;
}

// Everything a parse exposes, views as offsets into `base`, as text for one comparison.
std::string describe(const RequestParser& p, ParseResult r, const char* base) {
  std::ostringstream s;
  const auto at = [&s, base](std::string_view v) {
    if (v.data() == nullptr) {
      s << " -";
    } else {
      s << ' ' << v.data() - base << '+' << v.size();
    }
  };
  s << static_cast<int>(r.status) << ' ' << r.consumed << ' ' << to_string(r.error) << " line "
    << p.has_request_line();
  if (!r.complete() && !p.has_request_line()) return s.str();
  const Request& q = p.request();
  const RequestLine& l = q.line;
  at(l.method);
  at(l.target);
  s << ' ' << static_cast<int>(l.form);
  at(l.authority);
  at(l.path_and_query);
  s << ' ' << int{l.version_major} << '.' << int{l.version_minor};
  if (!r.complete()) return s.str();
  for (const Field& f : q.fields) {
    at(f.name);
    at(f.value);
  }
  s << " framing " << static_cast<int>(q.framing) << ' ' << q.content_length << " host "
    << q.has_host;
  at(q.host);
  s << " conn " << q.connection_close << q.connection_keep_alive;
  return s.str();
}

// Parses `input` whole, then one byte at a time. The whole parse runs the fast paths; the
// bytewise one sees every line incomplete first and so decides it on the general path. Returns
// "" when both describe the same outcome, else both descriptions.
std::string whole_vs_bytewise(const std::string& input, const Limits& limits) {
  std::array<Field, 16> s1{};
  std::array<Field, 16> s2{};
  RequestParser whole(limits, s1);
  RequestParser bytewise(limits, s2);
  const std::string a = describe(whole, whole.parse({input.data(), input.size()}), input.data());
  ParseResult r;
  for (std::size_t k = 0; k <= input.size(); ++k) {
    r = bytewise.parse({input.data(), k});
    if (!r.need_more()) break;
  }
  const std::string b = describe(bytewise, r, input.data());
  return a == b ? std::string() : "whole:    " + a + "\nbytewise: " + b;
}

ParseError error_of(const std::string& input, const Limits& limits = Limits{}) {
  const Outcome o = parse_every_way(input, limits);
  return o.result.failed() ? o.result.error : ParseError::none;
}

}  // namespace

TEST_CASE("a minimal GET parses into views of the buffer", "[request_parser]") {
  const std::string in = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n";
  std::array<Field, 8> storage{};
  Limits limits;
  RequestParser p(limits, storage);
  const ParseResult r = p.parse({in.data(), in.size()});
  REQUIRE(r.complete());
  CHECK(r.consumed == in.size());
  const Request& q = p.request();
  CHECK(q.line.method == "GET");
  CHECK(q.line.target == "/index.html");
  CHECK(q.line.form == TargetForm::origin);
  CHECK(q.line.version_major == 1);
  CHECK(q.line.version_minor == 1);
  REQUIRE(q.fields.size() == 1);
  CHECK(q.fields[0].name == "Host");
  CHECK(q.fields[0].value == "example.com");
  CHECK(q.host == "example.com");
  CHECK(q.line.method.data() >= in.data());
  CHECK(q.fields[0].value.data() + q.fields[0].value.size() <= in.data() + in.size());
  CHECK(q.framing == BodyFraming::none);
}

TEST_CASE("valid requests give the same result in any segmentation", "[request_parser]") {
  const std::vector<std::string> inputs = {
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "HEAD /x?y=1 HTTP/1.0\r\n\r\n",
      "GET http://example.com:8080/a/b?c HTTP/1.1\r\nHost: example.com\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
      "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
      "POST /f HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Ows: \t v a l \t \r\n\r\n",
      "GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: keep-alive, close\r\n\r\n",
      "GET / HTTP/1.9\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n",
  };
  for (const auto& in : inputs) {
    INFO(in);
    CHECK(parse_every_way(in).result.complete());
  }
}

TEST_CASE("framing fields are interpreted", "[request_parser]") {
  SECTION("content-length") {
    const Outcome o = parse_every_way("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 42\r\n\r\n");
    CHECK(o.framing == BodyFraming::content_length);
    CHECK(o.content_length == 42);
  }
  SECTION("chunked, case-insensitive, with empty list elements") {
    const Outcome o =
        parse_every_way("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,ChunKed\r\n\r\n");
    CHECK(o.framing == BodyFraming::chunked);
  }
  SECTION("connection close") {
    CHECK(parse_every_way("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, Close\r\n\r\n").close);
  }
  SECTION("the largest content-length") {
    const Outcome o = parse_every_way(
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n");
    CHECK(o.content_length == UINT64_MAX);
  }
}

TEST_CASE("the head ends at the empty line; what follows is not consumed", "[request_parser]") {
  const std::string head = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const Outcome o = parse_every_way(head + "GET /b HTTP/1.1\r\n");
  REQUIRE(o.result.complete());
  CHECK(o.result.consumed == head.size());
}

TEST_CASE("every parse error has an input that produces it", "[request_parser]") {
  const std::string h = "Host: h\r\n";
  struct Row {
    std::string input;
    ParseError error;
  };
  const std::vector<Row> rows = {
      {"\rGET / HTTP/1.1\r\n\r\n", ParseError::bare_cr},
      {"\nGET / HTTP/1.1\r\n\r\n", ParseError::bare_lf},
      {"GET / HTTP/1.1\n" + h + "\r\n", ParseError::bare_lf},
      {"GET / HTTP/1.1\r\nHost: h\n\r\n", ParseError::bare_lf},
      {"GET / HTTP/1.1\r\nHost: h\r\n\n", ParseError::bare_lf},
      {"G@T / HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_method},
      {" GET / HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_method},
      {"GET\r\n", ParseError::bad_method},
      {"GE\x00T / HTTP/1.1\r\n"s + h + "\r\n", ParseError::bad_method},
      {std::string(33, 'A') + " / HTTP/1.1\r\n" + h + "\r\n", ParseError::method_too_long},
      {"GET /a b HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_request_line},
      {"GET /a\"b HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET /%zz HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET /%4 HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET a/b HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET * HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET /#frag HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET /caf\xc3\xa9 HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET http://user@h/ HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_target},
      {"GET /" + std::string(8192, 'a') + " HTTP/1.1\r\n" + h + "\r\n",
       ParseError::target_too_long},
      {"GET /" + std::string(9000, 'a'), ParseError::target_too_long},
      {"GET / HTTP/1.1 \r\n" + h + "\r\n", ParseError::bad_request_line},
      {"GET  / HTTP/1.1\r\n" + h + "\r\n", ParseError::bad_request_line},
      {"GET /\r\n\r\n", ParseError::bad_request_line},
      {"GET / http/1.1\r\n" + h + "\r\n", ParseError::bad_version},
      {"GET / HTTP/1.10\r\n" + h + "\r\n", ParseError::bad_version},
      {"GET / HTTP/1.1\rX\r\n" + h + "\r\n", ParseError::bad_version},
      {"GET / HTTP/2.0\r\n" + h + "\r\n", ParseError::unsupported_version},
      {"GET / HTTP/0.9\r\n" + h + "\r\n", ParseError::unsupported_version},
      {"GET / HTTP/1.1\r\nHo(st: h\r\n\r\n", ParseError::bad_field_name},
      {"GET / HTTP/1.1\r\n: h\r\n\r\n", ParseError::bad_field_name},
      {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", ParseError::whitespace_before_colon},
      {"GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", ParseError::whitespace_before_colon},
      {"GET / HTTP/1.1\r\nHost\r\n\r\n", ParseError::missing_colon},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", ParseError::obs_fold},
      {"GET / HTTP/1.1\r\n Host: h\r\n\r\n", ParseError::whitespace_before_first_field},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n"s, ParseError::bad_field_value},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", ParseError::bad_field_value},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n", ParseError::bad_field_value},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(8200, 'v') + "\r\n\r\n",
       ParseError::field_line_too_long},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n", ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n",
       ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\n",
       ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551616\r\n\r\n",
       ParseError::bad_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
       ParseError::conflicting_content_length},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
       ParseError::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
       ParseError::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
       "chunked\r\n\r\n",
       ParseError::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunkedchunked\r\n\r\n",
       ParseError::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n",
       ParseError::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
       ParseError::unknown_transfer_coding},
      {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
       ParseError::content_length_with_transfer_encoding},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
       ParseError::transfer_encoding_in_http10},
      {"GET / HTTP/1.1\r\n\r\n", ParseError::missing_host},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", ParseError::duplicate_host},
      {"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", ParseError::duplicate_host},
      {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", ParseError::bad_host},
      {"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", ParseError::bad_host},
      {"GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", ParseError::bad_host},
      {"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", ParseError::bad_host},
      {"GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", ParseError::bad_host},
      {"GET / HTTP/1.1\r\nHost:\r\n\r\n", ParseError::bad_host},
      {"GET / HTTP/1.1\r\nHost: a\\b\r\n\r\n", ParseError::bad_host},
      {"GET http://h:65536/ HTTP/1.1\r\nHost: h\r\n\r\n", ParseError::bad_target},
      {"GET https://h/ HTTP/1.1\r\nHost: h\r\n\r\n", ParseError::bad_target},
  };
  std::set<ParseError> seen;
  for (const Row& row : rows) {
    INFO(row.input.substr(0, 200));
    CHECK(to_string(error_of(row.input)) == to_string(row.error));
    seen.insert(row.error);
  }
  // Chunk-level errors are produced in chunked_decoder_test.cc; the rest must all appear here.
  for (int i = 1; i <= static_cast<int>(ParseError::bad_host); ++i) {
    const auto e = static_cast<ParseError>(i);
    if (e == ParseError::too_many_fields || e == ParseError::head_too_large) continue;
    INFO(to_string(e));
    CHECK(seen.count(e) == 1);
  }
}

TEST_CASE("limits produce 431-class errors", "[request_parser]") {
  Limits limits;
  SECTION("too many fields") {
    limits.max_fields = 3;
    std::string in = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    CHECK(error_of(in, limits) == ParseError::too_many_fields);
  }
  SECTION("storage smaller than max_fields also caps") {
    std::array<Field, 2> storage{};
    RequestParser p(limits, storage);
    const std::string in = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n";
    const ParseResult r = p.parse({in.data(), in.size()});
    CHECK(r.error == ParseError::too_many_fields);
  }
  SECTION("head too large, whole or in pieces") {
    limits.max_head = 200;
    std::string in = "GET / HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 20; ++i) in += "X-Field: 0123456789\r\n";
    in += "\r\n";
    CHECK(error_of(in, limits) == ParseError::head_too_large);
    CHECK(error_of(in.substr(0, 230), limits) == ParseError::head_too_large);
  }
  SECTION("a head exactly at the limit passes") {
    const std::string in = "GET / HTTP/1.1\r\nHost: h\r\nX: abc\r\n\r\n";
    limits.max_head = in.size();
    CHECK(error_of(in, limits) == ParseError::none);
    limits.max_head = in.size() - 1;
    CHECK(error_of(in, limits) == ParseError::head_too_large);
  }
  SECTION("a field line exactly at the limit passes") {
    limits.max_field_line = 10;
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: 1234567\r\n\r\n", limits) == ParseError::none);
    CHECK(error_of("GET / HTTP/1.1\r\nHost: h\r\nX: 12345678\r\n\r\n", limits) ==
          ParseError::field_line_too_long);
  }
  SECTION("a target exactly at the limit passes") {
    limits.max_target = 4;
    CHECK(error_of("GET /abc HTTP/1.1\r\nHost: h\r\n\r\n", limits) == ParseError::none);
    CHECK(error_of("GET /abcd HTTP/1.1\r\nHost: h\r\n\r\n", limits) == ParseError::target_too_long);
  }
}

TEST_CASE("incomplete heads ask for more", "[request_parser]") {
  const std::string full = "GET /x HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n";
  for (std::size_t k = 0; k < full.size(); ++k) {
    std::array<Field, 8> storage{};
    Limits limits;
    RequestParser p(limits, storage);
    INFO(k);
    CHECK(p.parse({full.data(), k}).need_more());
  }
}

TEST_CASE("errors are detected before the line ends when the method is bad", "[request_parser]") {
  std::array<Field, 8> storage{};
  Limits limits;
  RequestParser p(limits, storage);
  const std::string in = "GE(T";
  CHECK(p.parse({in.data(), in.size()}).error == ParseError::bad_method);
}

TEST_CASE("an error is sticky: later bytes never change it", "[request_parser]") {
  std::array<Field, 8> storage{};
  Limits limits;
  RequestParser p(limits, storage);
  std::string in = "GET / HTTP/1.1\r\nHost : h\r\n";
  const ParseResult first = p.parse({in.data(), in.size()});
  REQUIRE(first.failed());
  in += "\r\n";
  CHECK(p.parse({in.data(), in.size()}) == first);
}

TEST_CASE("reset starts a new request", "[request_parser]") {
  std::array<Field, 8> storage{};
  Limits limits;
  RequestParser p(limits, storage);
  const std::string a = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  REQUIRE(p.parse({a.data(), a.size()}).complete());
  p.reset();
  const std::string b = "HEAD /b HTTP/1.0\r\n\r\n";
  REQUIRE(p.parse({b.data(), b.size()}).complete());
  CHECK(p.request().line.method == "HEAD");
  CHECK(p.request().fields.empty());
  CHECK_FALSE(p.request().has_host);
}

TEST_CASE("absolute-form splits authority from path", "[request_parser]") {
  RequestLine line;
  Limits limits;
  const std::string in = "GET HTTP://Example.com:80/p/q?x=1 HTTP/1.1\r\n";
  REQUIRE(parse_request_line({in.data(), in.size()}, line, limits).complete());
  CHECK(line.form == TargetForm::absolute);
  CHECK(line.authority == "Example.com:80");
  CHECK(line.path_and_query == "/p/q?x=1");
  const std::string bare = "GET http://h HTTP/1.1\r\n";
  REQUIRE(parse_request_line({bare.data(), bare.size()}, line, limits).complete());
  CHECK(line.path_and_query.empty());
  const std::string ftp = "GET ftp://h/ HTTP/1.1\r\n";
  CHECK(parse_request_line({ftp.data(), ftp.size()}, line, limits).error == ParseError::bad_target);
}

TEST_CASE("parse_fields stands alone for header blocks and trailers", "[request_parser]") {
  std::array<Field, 4> storage{};
  std::size_t count = 0;
  Limits limits;
  const std::string in = "A: 1\r\nB:2 \r\n\r\nrest";
  const ParseResult r = parse_fields({in.data(), in.size()}, storage, count, limits);
  REQUIRE(r.complete());
  CHECK(r.consumed == in.size() - 4);
  REQUIRE(count == 2);
  CHECK(storage[1].value == "2");
  const std::string folded = " A: 1\r\n\r\n";
  CHECK(parse_fields({folded.data(), folded.size()}, storage, count, limits, false).error ==
        ParseError::obs_fold);
}

TEST_CASE("every error has a distinct stable name", "[request_parser]") {
  std::set<std::string_view> names;
  for (int i = 0; i < kParseErrorCount; ++i) names.insert(to_string(static_cast<ParseError>(i)));
  CHECK(names.size() == static_cast<std::size_t>(kParseErrorCount));
  CHECK(to_string(ParseError::bad_host) == "bad_host");
  CHECK(static_cast<int>(ParseError::trailer_too_large) == 33);
}

TEST_CASE("the fast paths decide every input as the general path does", "[request_parser]") {
  // Heads with long values, whose lines cross the 64-byte blocks of the value scan, changed at
  // every offset by every byte that matters to the grammar: replaced, inserted or deleted.
  // Under default limits, then under each limit set just at and just below what the head needs.
  const std::vector<std::string> heads = {
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST /a/b%20c?d=e HTTP/1.1\r\nHost: www.example.com:8080\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
      "X-Empty:\r\nX-Ows: \t v \t\r\nConnection: keep-alive, close\r\n"
      "Content-Length: 12\r\nAccept: */*\r\n\r\n",
  };
  const std::string bytes = {'\0', '\t', '\n', '\r',   ' ',    '"',   '%',
                             ':',  '@',  'A',  '\x7f', '\x80', '\xff'};
  std::size_t inputs = 0;
  for (const std::string& head : heads) {
    // What the head needs of each limit.
    const std::size_t method = head.find(' ');
    const std::size_t target = head.find(' ', method + 1) - method - 1;
    std::size_t longest = 0;
    std::size_t fields = 0;
    for (std::size_t at = head.find("\r\n") + 2, lf; (lf = head.find("\r\n", at)) != at;
         at = lf + 2) {
      longest = std::max(longest, lf - at);
      ++fields;
    }
    // Each limit at what the head needs (it parses) and one below (the limit's error).
    std::vector<std::pair<Limits, ParseError>> limit_sets = {{Limits{}, ParseError::none}};
    for (std::size_t less = 0; less < 2; ++less) {
      const auto with = [&](std::size_t Limits::*limit, std::size_t needed, ParseError e) {
        Limits l;
        l.*limit = needed - less;
        limit_sets.emplace_back(l, less == 0 ? ParseError::none : e);
      };
      with(&Limits::max_method, method, ParseError::method_too_long);
      with(&Limits::max_target, target, ParseError::target_too_long);
      with(&Limits::max_field_line, longest, ParseError::field_line_too_long);
      with(&Limits::max_fields, fields, ParseError::too_many_fields);
      with(&Limits::max_head, head.size(), ParseError::head_too_large);
    }
    for (const auto& [limits, error] : limit_sets) {
      INFO("head: " << head);
      CHECK(to_string(error_of(head, limits)) == to_string(error));
      for (std::size_t i = 0; i <= head.size(); ++i) {
        std::vector<std::string> variants = {head};
        if (i < head.size()) variants.push_back(head.substr(0, i) + head.substr(i + 1));
        for (char b : bytes) {
          variants.push_back(head.substr(0, i) + b + head.substr(i));
          if (i < head.size()) variants.push_back(head.substr(0, i) + b + head.substr(i + 1));
        }
        for (const std::string& in : variants) {
          ++inputs;
          const std::string diff = whole_vs_bytewise(in, limits);
          if (!diff.empty()) {
            INFO("input: " << in << "\n" << diff);
            REQUIRE(diff.empty());
          }
        }
      }
    }
  }
  CHECK(inputs > 50000);
}
