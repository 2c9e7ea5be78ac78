// Unit tests of the client view of `h1spec fuzz --via` (diff/fuzz_via_view.h): the clean
// requests, the tail, and the framing class of each strict-reader rejection.
#include <catch2/catch.hpp>
#include <string>

#include "diff/fuzz_via_view.h"
#include "wire/request_reader.h"

using namespace h1spec;
using namespace h1spec::fuzz;

namespace {

std::string req(std::string_view fields, std::string_view body = "",
                std::string_view line = "POST /x HTTP/1.1") {
  return std::string(line) + "\r\nHost: h\r\n" + std::string(fields) + "\r\n" + std::string(body);
}

// The class the view gives a single message: the reader's own error, classified.
Ambiguity class_of(const std::string& bytes) {
  const ClientView v = client_view(bytes);
  INFO(bytes << " -> " << v.tail_error);
  REQUIRE(v.has_tail);
  return v.ambiguity;
}

}  // namespace

TEST_CASE("fuzz-via view: clean requests, no tail", "[fuzz-via]") {
  const std::string a = req("Content-Length: 5\r\n", "hello");
  const std::string b = req("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n0\r\n\r\n");
  const ClientView v = client_view(a + b);
  REQUIRE(v.requests.size() == 2);
  CHECK(v.requests[0].body == "hello");
  CHECK(v.requests[1].body == "abc");
  CHECK(v.requests[1].begin == a.size());
  CHECK_FALSE(v.has_tail);
  CHECK(v.ambiguity == Ambiguity::none);
}

TEST_CASE("fuzz-via view: CL+TE tail with its Transfer-Encoding reading", "[fuzz-via]") {
  const std::string clean = req("", "", "GET /first HTTP/1.1");
  const std::string bytes = clean +
                            req("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n",
                                "3\r\nabc\r\n0\r\n\r\n", "POST /clte HTTP/1.1") +
                            req("", "", "GET /smuggled HTTP/1.1");
  const ClientView v = client_view(bytes);
  REQUIRE(v.requests.size() == 1);
  CHECK(v.has_tail);
  CHECK(v.tail_begin == clean.size());
  CHECK(v.ambiguity == Ambiguity::cl_te);
  CHECK(v.tail_method == "POST");
  CHECK(v.tail_target == "/clte");
  REQUIRE(v.te_reading.has_value());
  CHECK(v.te_reading->body == "abc");
  CHECK(v.te_reading->find("Content-Length") == nullptr);
}

TEST_CASE("fuzz-via view: CL+TE in HTTP/1.0 is te-http10", "[fuzz-via]") {
  const ClientView v = client_view(
      req("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", "POST /x HTTP/1.0"));
  CHECK(v.ambiguity == Ambiguity::te_http10);
  CHECK_FALSE(v.te_reading.has_value());
}

TEST_CASE("fuzz-via view: every framing class, from the reader's own errors", "[fuzz-via]") {
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "0\r\n\r\n", "POST /x HTTP/1.0")) ==
        Ambiguity::te_http10);
  CHECK(class_of(req("Transfer-Encoding: gzip\r\n")) == Ambiguity::bad_te);
  CHECK(class_of(req("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n")) == Ambiguity::bad_te);
  CHECK(class_of(req("Transfer-Encoding: chunked;x=1\r\n", "0\r\n\r\n")) == Ambiguity::bad_te);
  CHECK(class_of(req("Content-Length: -1\r\n")) == Ambiguity::bad_cl);
  CHECK(class_of(req("Content-Length: 1, 2\r\n", "ab")) == Ambiguity::bad_cl);
  CHECK(class_of(req("Content-Length: 99999999999999999999999\r\n")) == Ambiguity::bad_cl);
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "zz\r\n")) == Ambiguity::bad_chunked);
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "3\r\nabcX\r\n0\r\n\r\n")) ==
        Ambiguity::bad_chunked);
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "3;=\r\nabc\r\n0\r\n\r\n")) ==
        Ambiguity::bad_chunked);
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "3\nabc\r\n0\r\n\r\n")) ==
        Ambiguity::bad_chunked);
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "0\r\nX : y\r\n\r\n")) ==
        Ambiguity::bad_chunked);
  CHECK(class_of(req("Transfer-Encoding : chunked\r\n", "0\r\n\r\n")) == Ambiguity::hidden_framing);
  CHECK(class_of(req("Content-Length: 1\r\n 0\r\n", "a")) == Ambiguity::hidden_framing);
  CHECK(class_of(req("Content-Length: 5\r\n", "abc")) == Ambiguity::incomplete_body);
  CHECK(class_of(req("Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n")) ==
        Ambiguity::incomplete_body);
  // Rejections that are not about framing: a proxy may accept or repair them.
  CHECK(class_of(req("X-A : 1\r\n")) == Ambiguity::none);
  CHECK(class_of(req("X-A: 1\r\n y\r\n")) == Ambiguity::none);
  CHECK(class_of("GET / HTTP/1.1\nHost: h\n\n") == Ambiguity::none);
  CHECK(class_of(req("X-A: \x01\r\n")) == Ambiguity::none);
  CHECK(class_of(req("=Transfer-Encoding\r\n")) == Ambiguity::none);
  CHECK(class_of(req("Transfer-Encoding: chunked\x01\r\n")) == Ambiguity::none);
  CHECK(class_of(req("Transfer-Encoding\x0b: chunked\r\n", "0\r\n\r\n")) == Ambiguity::none);
}

TEST_CASE("fuzz-via view: classify_rejection on messages it does not know", "[fuzz-via]") {
  CHECK(classify_rejection("something else entirely") == Ambiguity::none);
  CHECK(classify_rejection("both Transfer-Encoding and Content-Length") == Ambiguity::cl_te);
  CHECK(to_string(Ambiguity::hidden_framing) == "hidden-framing");
}
