// Fuzz target: http::RequestParser fed incrementally must agree with one call on the whole head.
//
// Input: three option bytes, then the request bytes.
//   byte 0: limits (0: defaults; see limits_for)
//   byte 1: field storage capacity, from {100, 0, 1, 2, 4, 16, 99, 101}, index byte & 7
//   byte 2: segmentation: bits 0-1 choose the largest step from {1, 7, 64, 1024}, the rest
//           seed the step sizes
// The parser sees growing prefixes of one buffer at one address, as its contract requires;
// the bytes beyond each prefix are poisoned for AddressSanitizer, so any peek past the prefix
// is reported.
// Invariants:
//   - the incremental result equals the one-shot result: the same status, consumed and error,
//     the same has_request_line(), and on complete the same request line, fields (views at the
//     same addresses), framing, content_length, host and connection options;
//   - a parser that finished returns the same result when called again;
//   - consumed is within the input; the field count is at most the capacity.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.h"
#include "http/request_parser.h"

namespace {

using namespace h1::http;

constexpr std::array<std::size_t, 8> kCapacities = {100, 0, 1, 2, 4, 16, 99, 101};
constexpr std::array<std::size_t, 4> kMaxSteps = {1, 7, 64, 1024};
constexpr std::size_t kStorage = 101;

// Byte 0 picks each limit from a small table, index 0 being the default.
Limits limits_for(unsigned b) {
  Limits l;
  if (b == 0) return l;
  constexpr std::array<std::size_t, 4> method = {32, 1, 3, 7};
  constexpr std::array<std::size_t, 4> target = {8192, 1, 5, 40};
  constexpr std::array<std::size_t, 4> line = {8192, 0, 6, 30};
  constexpr std::array<std::size_t, 4> head = {16384, 20, 60, 200};
  l.max_method = method[b & 3];
  l.max_target = target[(b >> 2) & 3];
  l.max_field_line = line[(b >> 4) & 3];
  l.max_head = head[(b >> 6) & 3];
  l.max_fields = (b & 0x80) != 0 ? 3 : 100;
  return l;
}

bool same_request(const Request& a, const Request& b) {
  const RequestLine& x = a.line;
  const RequestLine& y = b.line;
  if (x.method != y.method || x.method.data() != y.method.data()) return false;
  if (x.target != y.target || x.target.data() != y.target.data()) return false;
  if (x.authority != y.authority || x.path_and_query != y.path_and_query) return false;
  if (x.form != y.form || x.version_major != y.version_major) return false;
  if (x.version_minor != y.version_minor) return false;
  if (a.fields.size() != b.fields.size()) return false;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const Field& f = a.fields[i];
    const Field& g = b.fields[i];
    if (f.name.data() != g.name.data() || f.name.size() != g.name.size()) return false;
    if (f.value.data() != g.value.data() || f.value.size() != g.value.size()) return false;
  }
  return a.framing == b.framing && a.content_length == b.content_length &&
         a.has_host == b.has_host && a.host == b.host && a.connection_close == b.connection_close &&
         a.connection_keep_alive == b.connection_keep_alive;
}

// A small deterministic generator for the step sizes.
struct Steps {
  std::uint32_t state;
  std::size_t max;
  std::size_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return 1 + state % max;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static h1::fuzz::TailBuffer scratch;
  if (size < 3) return 0;
  const Limits limits = limits_for(data[0]);
  const std::size_t capacity = kCapacities[data[1] & 7];
  Steps steps{0x9e3779b9u ^ static_cast<std::uint32_t>(data[2] >> 2), kMaxSteps[data[2] & 3]};
  const std::span<char> buf = scratch.copy({reinterpret_cast<const char*>(data) + 3, size - 3});
  const std::size_t n = buf.size();

  std::array<Field, kStorage> storage_a;
  RequestParser incremental(limits, std::span<Field>(storage_a.data(), capacity));
  ASAN_POISON_MEMORY_REGION(buf.data(), n);
  ParseResult ri;
  std::size_t have = 0;
  do {
    const std::size_t grown = have + steps.next();
    const std::size_t next = grown < n ? grown : n;
    ASAN_UNPOISON_MEMORY_REGION(buf.data() + have, next - have);
    have = next;
    ri = incremental.parse(buf.first(have));
  } while (ri.need_more() && have < n);
  ASAN_UNPOISON_MEMORY_REGION(buf.data(), n);

  std::array<Field, kStorage> storage_b;
  RequestParser whole(limits, std::span<Field>(storage_b.data(), capacity));
  const ParseResult rw = whole.parse(buf);

  FUZZ_CHECK(ri == rw);
  FUZZ_CHECK(rw.consumed <= n);
  FUZZ_CHECK(rw.failed() == (rw.error != ParseError::none));
  FUZZ_CHECK(incremental.has_request_line() == whole.has_request_line());
  if (rw.complete()) {
    FUZZ_CHECK(whole.request().fields.size() <= capacity);
    FUZZ_CHECK(same_request(incremental.request(), whole.request()));
  }
  if (!rw.need_more()) FUZZ_CHECK(whole.parse(buf) == rw && incremental.parse(buf) == rw);
  return 0;
}
