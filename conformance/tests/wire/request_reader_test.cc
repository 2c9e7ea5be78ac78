#include "wire/request_reader.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace h1spec;

namespace {

RequestReadResult read(const std::string& s, bool eof = false) { return read_request(s, eof); }

bool same(const RequestReadResult& a, const RequestReadResult& b) {
  const Request& x = a.request;
  const Request& y = b.request;
  return a.status == b.status && a.consumed == b.consumed && a.error == b.error &&
         x.method == y.method && x.target == y.target && x.version == y.version &&
         x.fields == y.fields && x.body == y.body && x.trailers == y.trailers &&
         x.framing == y.framing && x.begin == y.begin && x.end == y.end &&
         x.leading_empty_lines == y.leading_empty_lines;
}

// Every prefix of in reads as need_more or exactly as the whole does: a caller that reads
// again as bytes arrive ends with the same request (or the same error) however they were cut.
void check_split_invariant(const std::string& in) {
  const RequestReadResult whole = read(in);
  for (std::size_t k = 0; k <= in.size(); ++k) {
    const RequestReadResult part = read(in.substr(0, k));
    INFO("input " << in.size() << " bytes, prefix " << k << ": " << part.error);
    CHECK((part.status == ReadStatus::need_more || same(part, whole)));
    if (whole.status == ReadStatus::complete && k < whole.consumed) {
      CHECK(part.status == ReadStatus::need_more);
    }
  }
}

const std::string kGet = "GET /index.html HTTP/1.1\r\nHost: a\r\nX-Pad:  two words \t\r\n\r\n";
const std::string kPost = "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
const std::string kChunked =
    "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;name=value;flag ; q = \"a \\\"quoted\\\" v\"\r\nhello\r\n"
    "1\r\n!\r\n"
    "0;last\r\nX-Trailer: t1\r\nX-Other: t2\r\n\r\n";

}  // namespace

TEST_CASE("a well-formed GET", "[request_reader]") {
  const RequestReadResult r = read(kGet);
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.consumed == kGet.size());
  CHECK(r.request.method == "GET");
  CHECK(r.request.target == "/index.html");
  CHECK(r.request.version == "HTTP/1.1");
  REQUIRE(r.request.fields.size() == 2);
  CHECK(r.request.fields[0].first == "Host");
  CHECK(*r.request.find("x-pad") == "two words");
  CHECK(r.request.framing == BodyFraming::none);
  CHECK(r.request.body.empty());
  CHECK(r.request.begin == 0);
  CHECK(r.request.end == kGet.size());
  CHECK(r.request.leading_empty_lines == 0);
  CHECK(r.error.empty());
}

TEST_CASE("pipelined requests: consumed is where the next one starts", "[request_reader]") {
  const std::string stream = kGet + kPost + kChunked;
  std::vector<Request> got;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const RequestReadResult r = read_request(std::string_view(stream).substr(pos), false);
    REQUIRE(r.status == ReadStatus::complete);
    got.push_back(r.request);
    pos += r.consumed;
  }
  REQUIRE(got.size() == 3);
  CHECK(got[0].method == "GET");
  CHECK(got[1].body == "hello");
  CHECK(got[2].body == "hello!");
  // The stream ends cleanly after the third: need_more without an error, even at eof.
  const RequestReadResult end = read_request(std::string_view(stream).substr(pos), true);
  CHECK(end.status == ReadStatus::need_more);
  CHECK(end.error.empty());
}

TEST_CASE("a Content-Length body is read exactly, duplicates of one value are one",
          "[request_reader]") {
  const RequestReadResult r = read(kPost + "GET");
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.request.body == "hello");
  CHECK(r.request.framing == BodyFraming::content_length);
  CHECK(r.consumed == kPost.size());
  for (const std::string dup :
       {"Content-Length: 3\r\nContent-Length: 3\r\n", "Content-Length: 3, 3\r\n"}) {
    const RequestReadResult d = read("PUT / HTTP/1.1\r\n" + dup + "\r\nabcdef");
    REQUIRE(d.status == ReadStatus::complete);
    CHECK(d.request.body == "abc");
  }
  const RequestReadResult zero = read("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  REQUIRE(zero.status == ReadStatus::complete);
  CHECK(zero.request.framing == BodyFraming::content_length);
}

TEST_CASE("a chunked body with extensions and trailers", "[request_reader]") {
  const RequestReadResult r = read(kChunked + "GET / HTTP/1.1\r\n");
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.request.body == "hello!");
  CHECK(r.request.framing == BodyFraming::chunked);
  CHECK(r.consumed == kChunked.size());
  REQUIRE(r.request.trailers.size() == 2);
  CHECK(r.request.trailers[0] == std::pair<std::string, std::string>{"X-Trailer", "t1"});
  CHECK(r.request.trailers[1].second == "t2");
  const RequestReadResult multi =
      read("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
  REQUIRE(multi.status == ReadStatus::complete);
  CHECK(multi.request.body.empty());
  const RequestReadResult zeros =
      read("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00A\r\n0123456789\r\n000\r\n\r\n");
  REQUIRE(zeros.status == ReadStatus::complete);
  CHECK(zeros.request.body == "0123456789");
}

TEST_CASE("empty lines before the request-line are skipped and counted", "[request_reader]") {
  const RequestReadResult r = read("\r\n\r\n" + kGet);
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.request.leading_empty_lines == 2);
  CHECK(r.request.begin == 4);
  CHECK(r.consumed == kGet.size() + 4);
}

struct MalformedRow {
  std::string in;
  std::string error;
};

const std::vector<MalformedRow>& malformed_rows() {
  static const std::vector<MalformedRow> rows{
      {"GET / HTTP/1.1\nHost: a\r\n\r\n", "bare LF in the request head"},
      {"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", "bare CR in the request head"},
      {"\n" + kGet, "bare LF before the request-line"},
      {"\rX" + kGet, "bare CR before the request-line"},
      {" " + kGet, "whitespace before the request-line"},
      {"GET\r\n\r\n", "request-line without SP: \"GET\""},
      {"G@T / HTTP/1.1\r\n\r\n", "invalid byte 0x40 in the method \"G@T\""},
      {"GET  / HTTP/1.1\r\n\r\n", "empty request-target (two SPs after the method)"},
      {"GET /\r\n\r\n", "request-line without the SP before the HTTP-version: \"GET /\""},
      {"GET /a\tb HTTP/1.1\r\n\r\n", "invalid byte 0x09 in the request-target \"/a\\x09b\""},
      {"GET / HTTP/1.1 \r\n\r\n", "more than two SPs in the request-line: \"GET / HTTP/1.1 \""},
      {"GET / HTTP/11\r\n\r\n", "malformed HTTP-version \"HTTP/11\""},
      {"GET / http/1.1\r\n\r\n", "malformed HTTP-version \"http/1.1\""},
      {"GET / HTTP/1.1\r\n Host: a\r\n\r\n", "whitespace before the first field line"},
      {"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", "obsolete line folding after field \"Host\""},
      {"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
       "whitespace between the field name and colon in \"Host \""},
      {"GET / HTTP/1.1\r\nHost a\r\n\r\n", "field line without a colon: \"Host a\""},
      {"GET / HTTP/1.1\r\n: a\r\n\r\n", "field line with an empty name: \": a\""},
      {"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", "invalid byte 0x28 in the field name \"Ho(st\""},
      {std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26), "NUL in the value of field \"X\""},
      {"GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", "control byte 0x01 in the value of field \"X\""},
      {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", "control byte 0x7f in the value of field \"X\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
       "both Transfer-Encoding and Content-Length"},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
       "differing Content-Length values 3 and 4"},
      {"POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd",
       "differing Content-Length values 3 and 4"},
      {"POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc", "invalid Content-Length \"+3\""},
      {"POST / HTTP/1.1\r\nContent-Length: 0x3\r\n\r\nabc", "invalid Content-Length \"0x3\""},
      {"POST / HTTP/1.1\r\nContent-Length: 3,\r\n\r\nabc",
       "empty Content-Length element in \"3,\""},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
       "Content-Length \"99999999999999999999\" overflows 64 bits"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
       "Transfer-Encoding whose final coding is not chunked: \"gzip\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
       "Transfer-Encoding whose final coding is not chunked: \"gzip\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       "chunked applied more than once in Transfer-Encoding"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: ,\r\n\r\n", "empty Transfer-Encoding"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked;x=1\r\n\r\n",
       "parameters on the chunked coding: \"chunked;x=1\""},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "Transfer-Encoding in an HTTP/1.0 request"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       "chunk-size line without a hex size: \"zz\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
       "chunk size \"10000000000000000\"... overflows 64 bits"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
       "whitespace at the end of a chunk-size line"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n",
       "invalid byte 0x78 after the chunk size, where ';' or CRLF belongs"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n",
       "chunk extension without a name: \";\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n0\r\n\r\n",
       "chunk extension with '=' but no value: \";a=\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n0\r\n\r\n",
       "unterminated quoted-string in a chunk extension: \";a=\\x22x\""},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
       "bare LF in a chunk-size line"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello!\r\n0\r\n\r\n",
       "chunk data not followed by CRLF (chunk of 5 bytes)"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\nb\r\n\r\n",
       "bare LF in the trailer section"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT : a\r\n\r\n",
       "whitespace between the trailer field name and colon in \"T \""},
      {"GET / HTTP/1.1\r\nX: " + std::string(70000, 'a') + "\r\n\r\n",
       "request head larger than 64 KiB"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(5000, 'a') + "\r\n",
       "chunk-size line longer than 4096 bytes"},
  };
  return rows;
}

TEST_CASE("each malformed shape is rejected with an error naming it", "[request_reader]") {
  for (const MalformedRow& row : malformed_rows()) {
    INFO(row.in.substr(0, 120));
    const RequestReadResult r = read(row.in);
    CHECK(r.status == ReadStatus::malformed);
    CHECK(r.error == row.error);
    CHECK(r.consumed == 0);
  }
}

TEST_CASE("a connection closed inside a request is malformed", "[request_reader]") {
  CHECK(read("GET / HTTP/1.1\r\nHost", true).error == "connection closed inside the request head");
  CHECK(read("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc", true).error ==
        "connection closed before the Content-Length body ended");
  CHECK(read("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true).error ==
        "connection closed inside the chunked body");
  CHECK(read("GET / HTTP/1.1\r\nHost", false).status == ReadStatus::need_more);
}

TEST_CASE("split invariant: every prefix reads as need_more or as the whole", "[request_reader]") {
  std::vector<std::string> inputs{kGet,         kPost,         kChunked,
                                  kGet + kPost, "\r\n" + kGet, "\r\n\r\n\r\n"};
  for (const MalformedRow& row : malformed_rows()) {
    if (row.in.size() < 4096) inputs.push_back(row.in);
  }
  for (const std::string& in : inputs) check_split_invariant(in);
  // The long ones once each, at a few hundred cut points rather than every byte.
  for (const MalformedRow& row : malformed_rows()) {
    if (row.in.size() < 4096) continue;
    const RequestReadResult whole = read(row.in);
    for (std::size_t k = 0; k <= row.in.size(); k += 257) {
      const RequestReadResult part = read(row.in.substr(0, k));
      CHECK((part.status == ReadStatus::need_more || same(part, whole)));
    }
  }
}
