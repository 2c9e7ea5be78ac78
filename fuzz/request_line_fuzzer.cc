// Fuzz target: http::parse_request_line, the first thing every byte from a client meets.
//
// Input: the bytes of a request, from the first byte.
// Invariants:
//   - an error always has a stable name (to_string is never "unknown");
//   - every view lies inside the input, and inside the consumed part on complete;
//   - on complete: only CRLF empty lines precede the method; the method is 1*tchar within
//     max_method and is followed by SP; the target is non-empty, within max_target, holds no
//     SP, CTL or DEL and is followed by SP; the line ends "HTTP/1.D" CRLF exactly at consumed,
//     with version_major and version_minor the digits found there;
//   - a complete or failed result does not change when bytes are appended ("X" or CRLF), and a
//     complete one does not change when the input is cut right after the line.
// This target must stay close to the speed of a bare parse (goal: 1 M execs/s without
// sanitizers), so the re-parses are sampled: an input whose size is a multiple of 8 gets one
// of the three, chosen by its size. The choice depends on the input alone, so every failure
// reproduces from its file.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.h"
#include "http/chars.h"
#include "http/request_parser.h"

namespace {

using h1::fuzz::inside;
using h1::fuzz::offset_of;
using namespace h1::http;

const Limits kLimits{};

bool is_visible(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7f;
}

void check_views(const RequestLine& l, std::string_view in) {
  for (std::string_view v : {l.method, l.target, l.authority, l.path_and_query}) {
    FUZZ_CHECK(inside(v, in.data(), in.size()));
  }
}

void check_complete(const RequestLine& l, std::string_view in) {
  check_views(l, in);
  const std::size_t start = offset_of(l.method, in.data());
  for (std::size_t i = 0; i < start; i += 2) FUZZ_CHECK(in.substr(i, 2) == "\r\n");
  FUZZ_CHECK(!l.method.empty() && l.method.size() <= kLimits.max_method);
  for (char c : l.method) FUZZ_CHECK(is_tchar(c));
  FUZZ_CHECK(in[start + l.method.size()] == ' ');
  FUZZ_CHECK(l.target.data() == l.method.data() + l.method.size() + 1);
  FUZZ_CHECK(!l.target.empty() && l.target.size() <= kLimits.max_target);
  for (char c : l.target) FUZZ_CHECK(is_visible(c));
  const std::size_t after_target = offset_of(l.target, in.data()) + l.target.size();
  // SP "HTTP/" DIGIT "." DIGIT CRLF, ending the consumed bytes.
  FUZZ_CHECK(in.size() == after_target + 11);
  const std::string_view tail = in.substr(after_target);
  FUZZ_CHECK(tail.substr(0, 6) == " HTTP/" && tail[7] == '.' && tail.substr(9) == "\r\n");
  FUZZ_CHECK(is_digit(tail[6]) && is_digit(tail[8]));
  FUZZ_CHECK(l.version_major == tail[6] - '0' && l.version_minor == tail[8] - '0');
  FUZZ_CHECK(l.version_major == 1);
  for (std::string_view v : {l.authority, l.path_and_query}) {
    FUZZ_CHECK(inside(v, l.target.data(), l.target.size()));
  }
  switch (l.form) {
    case TargetForm::origin:
      FUZZ_CHECK(l.target.front() == '/' && l.path_and_query == l.target);
      break;
    case TargetForm::asterisk:
      FUZZ_CHECK(l.target == "*" && l.method == "OPTIONS");
      break;
    case TargetForm::authority:
      FUZZ_CHECK(l.authority == l.target && l.method == "CONNECT");
      break;
    case TargetForm::absolute:
      FUZZ_CHECK(!l.authority.empty() && l.target.front() != '/');
      break;
  }
}

// The same result, with views at the same offsets from their own buffers.
bool same(ParseResult ra, const RequestLine& a, const char* base_a, ParseResult rb,
          const RequestLine& b, const char* base_b) {
  if (ra != rb) return false;
  if (!ra.complete()) return true;
  auto same_view = [&](std::string_view x, std::string_view y) {
    return x.size() == y.size() && (x.empty() || offset_of(x, base_a) == offset_of(y, base_b));
  };
  return same_view(a.method, b.method) && same_view(a.target, b.target) &&
         same_view(a.authority, b.authority) && same_view(a.path_and_query, b.path_and_query) &&
         a.form == b.form && a.version_major == b.version_major &&
         a.version_minor == b.version_minor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static h1::fuzz::TailBuffer scratch;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  RequestLine line;
  const ParseResult r = parse_request_line({in.data(), in.size()}, line, kLimits);
  FUZZ_CHECK(r.consumed <= size);
  FUZZ_CHECK(r.failed() == (r.error != ParseError::none));
  check_views(line, in);  // what a failed parse filled in must point into the input too
  if (r.failed()) FUZZ_CHECK(to_string(r.error) != "unknown");  // a stable name for logs
  if (r.need_more()) return 0;
  if (r.complete()) check_complete(line, in.substr(0, r.consumed));
  if (size % 8 != 0) return 0;
  const std::size_t variant = (size / 8) % 3;
  const bool cut = variant == 2 && r.complete();
  const std::span<char> again_in = cut            ? scratch.copy(in.substr(0, r.consumed))
                                   : variant == 1 ? scratch.copy(in, "\r\n")
                                                  : scratch.copy(in, "X");
  RequestLine again;
  const ParseResult ra = parse_request_line(again_in, again, kLimits);
  FUZZ_CHECK(same(r, line, in.data(), ra, again, again_in.data()));
  return 0;
}
