#include "wire/response_reader.h"

#include <catch2/catch.hpp>
#include <string>

using namespace h1spec;

namespace {
ReadResult read_all(const std::string& s, bool head = false, bool eof = false) {
  return read_response(s, head, eof);
}
}  // namespace

TEST_CASE("a Content-Length response is read exactly", "[response_reader]") {
  const std::string r1 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello";
  const ReadResult r = read_all(r1 + "HTTP/1.1 404 Not Found\r\n");
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.consumed == r1.size());
  CHECK(r.response.status == 200);
  CHECK(r.response.reason == "OK");
  CHECK(r.response.body == "hello");
  CHECK(*r.response.find("x-a") == "b");
  CHECK(r.response.framing == Framing::content_length);
  for (std::size_t k = 0; k < r1.size(); ++k) {
    INFO(k);
    CHECK(read_all(r1.substr(0, k)).status == ReadStatus::need_more);
  }
}

TEST_CASE("bodiless responses: HEAD, 204, 304, 1xx", "[response_reader]") {
  CHECK(read_all("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).response.body.empty());
  CHECK(read_all("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).status ==
        ReadStatus::complete);
  CHECK(read_all("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n").status ==
        ReadStatus::complete);
  const ReadResult r = read_all("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n");
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.response.interim());
  CHECK(r.consumed == 25);
}

TEST_CASE("chunked and close-delimited bodies", "[response_reader]") {
  const std::string c =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x\r\nhello\r\n1\r\n!\r\n0\r\nT: "
      "v\r\n\r\n";
  const ReadResult r = read_all(c + "rest");
  REQUIRE(r.status == ReadStatus::complete);
  CHECK(r.response.body == "hello!");
  CHECK(r.consumed == c.size());
  const std::string u = "HTTP/1.1 200 OK\r\n\r\nuntil close";
  CHECK(read_all(u).status == ReadStatus::need_more);
  const ReadResult closed = read_all(u, false, true);
  REQUIRE(closed.status == ReadStatus::complete);
  CHECK(closed.response.body == "until close");
  CHECK(closed.response.framing == Framing::until_close);
}

TEST_CASE("malformed responses are named", "[response_reader]") {
  struct Row {
    std::string in;
    std::string error;
  };
  for (const Row& row : std::vector<Row>{
           {"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare LF in the response head"},
           {"HTTP/1.1 200\r\n\r\n", "status line without the SP before the reason phrase"},
           {"HTTX/1.1 200 OK\r\n\r\n", "malformed status line"},
           {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed status code"},
           {"HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "obsolete line folding in a response field"},
           {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "invalid byte in response field name \"Bad Name\""},
           {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "invalid response Content-Length"},
           {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "malformed chunk size in response"},
       }) {
    INFO(row.in);
    const ReadResult r = read_all(row.in);
    CHECK(r.status == ReadStatus::malformed);
    CHECK(r.error == row.error);
  }
  const ReadResult truncated =
      read_all("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", false, true);
  CHECK(truncated.error == "connection closed before the Content-Length body ended");
  CHECK(read_all("", false, true).error == "no response");
}
