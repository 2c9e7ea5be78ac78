#include "http/framing.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <string_view>
#include <vector>

using namespace h1::http;

namespace {

// A head of HTTP/1.minor with these fields, run through the analysis.
struct Analysed {
  std::vector<Field> fields;
  Request request;
  ParseError error = ParseError::none;
};

Analysed analyse(std::initializer_list<Field> fields, std::uint8_t minor = 1) {
  Analysed a;
  a.fields = fields;
  a.request.line.version_major = 1;
  a.request.line.version_minor = minor;
  a.request.fields = a.fields;
  a.error = analyse_head(a.request);
  return a;
}

}  // namespace

TEST_CASE("framing: Content-Length, Transfer-Encoding and both (RFC 9112 §6)", "[framing]") {
  const Analysed cl = analyse({{"Host", "h"}, {"content-LENGTH", "42"}});
  CHECK(cl.error == ParseError::none);
  CHECK(cl.request.framing == BodyFraming::content_length);
  CHECK(cl.request.content_length == 42);
  CHECK(analyse({{"Host", "h"}, {"Content-Length", "5"}, {"Content-Length", "5"}}).error ==
        ParseError::none);
  CHECK(analyse({{"Host", "h"}, {"Content-Length", "5"}, {"Content-Length", "6"}}).error ==
        ParseError::conflicting_content_length);
  CHECK(analyse({{"Host", "h"}, {"Content-Length", "+5"}}).error == ParseError::bad_content_length);
  CHECK(analyse({{"Host", "h"}, {"Content-Length", "18446744073709551616"}}).error ==
        ParseError::bad_content_length);

  const Analysed te = analyse({{"Host", "h"}, {"Transfer-Encoding", "gzip, Chunked"}});
  CHECK(te.error == ParseError::unknown_transfer_coding);
  CHECK(analyse({{"Host", "h"}, {"Transfer-Encoding", "chunked"}}).request.framing ==
        BodyFraming::chunked);
  CHECK(analyse({{"Host", "h"}, {"Transfer-Encoding", "chunked, gzip"}}).error ==
        ParseError::bad_transfer_encoding);
  CHECK(analyse({{"Host", "h"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})
            .error == ParseError::bad_transfer_encoding);  // chunked twice
  CHECK(analyse({{"Host", "h"}, {"Transfer-Encoding", ",chunked"}}).request.framing ==
        BodyFraming::chunked);  // empty list elements do not count
  CHECK(analyse({{"Host", "h"}, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}).error ==
        ParseError::content_length_with_transfer_encoding);
  CHECK(analyse({{"Transfer-Encoding", "chunked"}}, 0).error ==
        ParseError::transfer_encoding_in_http10);
}

TEST_CASE("framing: Host and Connection (RFC 9112 §3.2, §9.6)", "[framing]") {
  CHECK(analyse({}).error == ParseError::missing_host);
  CHECK(analyse({}, 0).error == ParseError::none);  // HTTP/1.0 needs no Host
  CHECK(analyse({{"Host", "a"}, {"host", "a"}}).error == ParseError::duplicate_host);
  CHECK(analyse({{"Host", ""}}).error == ParseError::bad_host);
  const Analysed c = analyse({{"Host", "a:80"}, {"Connection", "Keep-Alive, foo ,CLOSE"}});
  CHECK(c.error == ParseError::none);
  CHECK(c.request.host == "a:80");
  CHECK(c.request.connection_close);
  CHECK(c.request.connection_keep_alive);
  CHECK_FALSE(analyse({{"Host", "a"}, {"Connection", "sclose"}}).request.connection_close);
}

TEST_CASE("valid_authority follows RFC 3986 host and port", "[framing]") {
  CHECK(valid_authority("example.com"));
  CHECK(valid_authority("example.com:8080"));
  CHECK(valid_authority("127.0.0.1:1"));
  CHECK(valid_authority("[::1]"));
  CHECK(valid_authority("[::1]:443"));
  CHECK(valid_authority("a%20b"));
  CHECK_FALSE(valid_authority(""));
  CHECK_FALSE(valid_authority(":80"));
  CHECK_FALSE(valid_authority("a:123456"));
  CHECK_FALSE(valid_authority("a:65536"));
  CHECK(valid_authority("a:65535"));
  CHECK(valid_authority("a:"));
  CHECK_FALSE(valid_authority("a b"));
  CHECK_FALSE(valid_authority("[::1]x"));
  CHECK_FALSE(valid_authority("a%2"));
}
