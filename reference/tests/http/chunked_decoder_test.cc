#include "http/chunked_decoder.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace h1::http;

namespace {

struct Decoded {
  ParseStatus status = ParseStatus::need_more;
  ParseError error = ParseError::none;
  std::string data;
  std::size_t consumed = 0;  // total input bytes used
  bool operator==(const Decoded&) const = default;
};

// Feeds `in` in pieces of at most `piece` bytes (0 = whole).
Decoded decode(const std::string& in, std::size_t piece, const Limits& limits = Limits{}) {
  ChunkedDecoder d(limits);
  Decoded out;
  std::size_t pos = 0;
  std::size_t avail = 0;
  while (true) {
    avail = piece == 0 ? in.size() : std::min(in.size(), avail + piece);
    while (pos < avail) {
      const ChunkStep s = d.step({in.data() + pos, avail - pos});
      out.data.append(s.data);
      pos += s.consumed;
      out.consumed = pos;
      if (s.status != ParseStatus::need_more) {
        out.status = s.status;
        out.error = s.error;
        return out;
      }
    }
    if (avail == in.size()) return out;
  }
}

// Decodes every way (whole, byte by byte, in pieces of 2..7) and requires one answer.
Decoded decode_every_way(const std::string& in, const Limits& limits = Limits{}) {
  Decoded whole = decode(in, 0, limits);
  for (std::size_t piece = 1; piece < 8; ++piece) {
    INFO("piece " << piece << " input " << in);
    CHECK(decode(in, piece, limits) == whole);
  }
  return whole;
}

}  // namespace

TEST_CASE("chunked bodies decode to the same bytes in any segmentation", "[chunked_decoder]") {
  const Decoded d = decode_every_way("5\r\nhello\r\n6;ext=\"a;b\"\r\n world\r\n0\r\n\r\nNEXT");
  CHECK(d.status == ParseStatus::complete);
  CHECK(d.data == "hello world");
  CHECK(d.consumed == std::string("5\r\nhello\r\n6;ext=\"a;b\"\r\n world\r\n0\r\n\r\n").size());
}

TEST_CASE("chunk sizes are hexadecimal, either case, with leading zeros", "[chunked_decoder]") {
  const Decoded d = decode_every_way("0A\r\n0123456789\r\n00\r\n\r\n");
  CHECK(d.status == ParseStatus::complete);
  CHECK(d.data == "0123456789");
  CHECK(decode_every_way("a\r\n0123456789\r\n0\r\n\r\n").data.size() == 10);
}

TEST_CASE("trailers are validated and skipped", "[chunked_decoder]") {
  const Decoded d = decode_every_way("1\r\nx\r\n0\r\nA: b\r\nC:\r\n\r\n");
  CHECK(d.status == ParseStatus::complete);
  CHECK(d.data == "x");
}

TEST_CASE("extensions with BWS, tokens and quoted strings are accepted", "[chunked_decoder]") {
  CHECK(decode_every_way("1 ;a=b\r\nx\r\n0;q=\"\\\"\"\r\n\r\n").status == ParseStatus::complete);
  CHECK(decode_every_way("1;a;b=c\r\nx\r\n0\r\n\r\n").status == ParseStatus::complete);
}

TEST_CASE("every chunk-level error has an input that produces it", "[chunked_decoder]") {
  struct Row {
    std::string in;
    ParseError error;
  };
  Limits small;
  small.max_trailer = 8;
  const std::vector<Row> rows = {
      {"\r\n", ParseError::bad_chunk_size},
      {"x\r\n", ParseError::bad_chunk_size},
      {"-1\r\n", ParseError::bad_chunk_size},
      {"0x5\r\nhello\r\n0\r\n\r\n", ParseError::bad_chunk_size},
      {"5 \r\nhello\r\n0\r\n\r\n", ParseError::bad_chunk_size},
      {"1\nx\r\n0\r\n\r\n", ParseError::bare_lf},
      {"1\rx", ParseError::bare_cr},
      {"1;a\nx", ParseError::bare_lf},
      {"1\r\nx\r\n0\r\n\n", ParseError::bare_lf},
      {"1\r\nx\r\n0\r\n\rX", ParseError::bare_cr},
      {"1\r\nx\r\n0\r\nA: b\rX", ParseError::bare_cr},
      {"1\r\nx\r\n0\r\nA: b\n", ParseError::bare_lf},
      {"11111111111111111\r\n", ParseError::chunk_size_overflow},
      {"ffffffffffffffff\r\n", ParseError::chunk_size_overflow},
      {"1;\x01\r\nx\r\n0\r\n\r\n", ParseError::bad_chunk_extension},
      {"1;=\r\nx\r\n0\r\n\r\n", ParseError::bad_chunk_extension},
      {"1;a=\"\x7f\"\r\nx\r\n0\r\n\r\n", ParseError::bad_chunk_extension},
      {"1;a=" + std::string(2000, 'b') + "\r\n", ParseError::bad_chunk_extension},
      {"1\r\nxy\r\n0\r\n\r\n", ParseError::bad_chunk_data_end},
      {"1\r\nx\rY", ParseError::bad_chunk_data_end},
      {"1\r\nx\r\n0\r\n A: b\r\n\r\n", ParseError::bad_trailer},
      {"1\r\nx\r\n0\r\nA : b\r\n\r\n", ParseError::bad_trailer},
      {std::string("1\r\nx\r\n0\r\nA: \x00\r\n\r\n", 17), ParseError::bad_trailer},
  };
  for (const Row& r : rows) {
    INFO(r.in.substr(0, 60));
    const Decoded d = decode_every_way(r.in);
    CHECK(d.status == ParseStatus::error);
    CHECK(to_string(d.error) == to_string(r.error));
  }
  const Decoded big = decode_every_way("0\r\nAbcdef: 1234567\r\n\r\n", small);
  CHECK(big.error == ParseError::trailer_too_large);
}

TEST_CASE("sizes never overflow 64 bits", "[chunked_decoder]") {
  Limits limits;
  limits.max_chunk_size = UINT64_MAX;
  CHECK(decode_every_way("ffffffffffffffff\r\n", limits).status == ParseStatus::need_more);
  CHECK(decode_every_way("fffffffffffffffff\r\n", limits).error == ParseError::chunk_size_overflow);
}

TEST_CASE("the decoder stays done or failed", "[chunked_decoder]") {
  Limits limits;
  ChunkedDecoder d(limits);
  const std::string in = "0\r\n\r\n";
  ChunkStep s = d.step({in.data(), in.size()});
  REQUIRE(s.status == ParseStatus::complete);
  s = d.step({in.data(), in.size()});
  CHECK(s.status == ParseStatus::complete);
  CHECK(s.consumed == 0);
  d.reset();
  const std::string bad = "z";
  CHECK(d.step({bad.data(), bad.size()}).status == ParseStatus::error);
  CHECK(d.step({in.data(), in.size()}).error == ParseError::bad_chunk_size);
  CHECK(d.data_bytes() == 0);
}
