// Fuzz target: http::ChunkedDecoder, decoded at once and again in segments.
//
// Input: one option byte, then a chunked body.
//   bits 0-1: largest segment from {1, 3, 17, 500}; bits 2-6 seed the segment sizes
//   bit 7:    small limits (max_chunk_size 0x100, max_chunk_extension 6, max_trailer 12)
// Invariants:
//   - any segmentation gives the same data bytes, status, error and total bytes consumed;
//   - each step consumes at most its input, its data is a view inside the consumed bytes, and
//     a step that neither ends nor yields data uses up its input (no stall);
//   - data_bytes() counts exactly the data bytes yielded, so it never decreases and never
//     exceeds the input consumed (no overflow);
//   - bare LF is always rejected: among the bytes consumed by a decoder that did not fail, every
//     LF outside chunk data follows a CR that is outside chunk data too.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "http/chunked_decoder.h"

namespace {

using h1::fuzz::inside;
using namespace h1::http;

constexpr std::array<std::size_t, 4> kMaxSegments = {1, 3, 17, 500};

struct Outcome {
  ParseStatus status = ParseStatus::need_more;
  ParseError error = ParseError::none;
  std::size_t consumed = 0;
  std::string data;
};

// Decodes in with the segment ends produced by next_end (called with the current end).
template <typename NextEnd>
Outcome decode(std::string_view in, const Limits& limits, NextEnd next_end,
               std::vector<bool>* data_mask) {
  ChunkedDecoder decoder(limits);
  Outcome o;
  std::size_t end = 0;
  while (o.consumed < in.size()) {
    if (o.consumed == end) end = next_end(end);
    const std::span<const char> window(in.data() + o.consumed, end - o.consumed);
    const std::uint64_t before = decoder.data_bytes();
    const ChunkStep s = decoder.step(window);
    FUZZ_CHECK(s.consumed <= window.size());
    FUZZ_CHECK(inside(s.data, window.data(), s.consumed));
    FUZZ_CHECK(s.data.empty() || s.status == ParseStatus::need_more);
    FUZZ_CHECK(decoder.data_bytes() == before + s.data.size());
    FUZZ_CHECK((s.status == ParseStatus::error) == (s.error != ParseError::none));
    if (s.status == ParseStatus::need_more && s.data.empty()) {
      FUZZ_CHECK(s.consumed == window.size());
    }
    if (data_mask != nullptr && !s.data.empty()) {
      const std::size_t at = static_cast<std::size_t>(s.data.data() - in.data());
      for (std::size_t i = at; i < at + s.data.size(); ++i) (*data_mask)[i] = true;
    }
    o.data.append(s.data);
    o.consumed += s.consumed;
    o.status = s.status;
    o.error = s.error;
    if (s.status != ParseStatus::need_more) break;
  }
  FUZZ_CHECK(decoder.data_bytes() == o.data.size() && o.data.size() <= o.consumed);
  return o;
}

// Every LF among the first `consumed` bytes that is not chunk data follows a framing CR.
void check_no_bare_lf(std::string_view in, std::size_t consumed, const std::vector<bool>& data) {
  for (std::size_t i = 0; i < consumed; ++i) {
    if (in[i] != '\n' || data[i]) continue;
    FUZZ_CHECK(i > 0 && in[i - 1] == '\r' && !data[i - 1]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned options = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  Limits limits;
  if ((options & 0x80) != 0) {
    limits.max_chunk_size = 0x100;
    limits.max_chunk_extension = 6;
    limits.max_trailer = 12;
  }
  std::vector<bool> mask(in.size(), false);
  const Outcome whole = decode(
      in, limits, [&](std::size_t) { return in.size(); }, &mask);
  if (whole.status != ParseStatus::error) check_no_bare_lf(in, whole.consumed, mask);

  std::uint32_t state = 0x2545f491u ^ ((options >> 2) & 0x1f);
  const std::size_t max_segment = kMaxSegments[options & 3];
  const Outcome split = decode(
      in, limits,
      [&](std::size_t end) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        const std::size_t next = end + 1 + state % max_segment;
        return next < in.size() ? next : in.size();
      },
      nullptr);
  FUZZ_CHECK(split.status == whole.status && split.error == whole.error);
  FUZZ_CHECK(split.consumed == whole.consumed && split.data == whole.data);
  return 0;
}
