// Fuzz target: http::normalize_path, the gate between a request-target and the filesystem.
//
// Input: a path (origin-form request-target bytes).
// Invariants:
//   - path_of and query_of split the input at its first '?' and nothing else;
//   - with an output as large as the input, normalisation never fails for lack of room, and
//     a failure writes length 0;
//   - a failure carries a named error (to_string is never "unknown");
//   - an input that is_normalized() is returned unchanged;
//   - on success the output starts with '/', passes is_normalized(), holds no NUL, backslash,
//     '%', other CTL or DEL, and no "." or ".." segment;
//   - normalisation is idempotent: normalising the output gives the output;
//   - an output buffer of exactly the result's size gives the same result or too_long, and
//     one byte less always gives too_long; no write lands past the buffer (AddressSanitizer).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.h"
#include "http/target.h"

namespace {

using namespace h1::http;

void check_split(std::string_view t) {
  const std::string_view path = path_of(t);
  const std::string_view query = query_of(t);
  FUZZ_CHECK(path.data() == t.data() && path.find('?') == std::string_view::npos);
  if (path.size() == t.size()) {
    FUZZ_CHECK(query.empty());
  } else {
    FUZZ_CHECK(t[path.size()] == '?' && query.data() == t.data() + path.size() + 1);
    FUZZ_CHECK(query.size() == t.size() - path.size() - 1);
  }
}

void check_normal_form(std::string_view p) {
  FUZZ_CHECK(!p.empty() && p.front() == '/');
  FUZZ_CHECK(is_normalized(p));
  for (char c : p) {
    const auto b = static_cast<unsigned char>(c);
    FUZZ_CHECK(b >= 0x20 && b != 0x7f && b != '\\' && b != '%');
  }
  std::size_t start = 1;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    const std::string_view seg = p.substr(start, end - start);
    FUZZ_CHECK(seg != "." && seg != "..");
    FUZZ_CHECK(!seg.empty() || end == p.size());  // only a trailing slash leaves one empty
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static h1::fuzz::TailBuffer first, again, tight;
  const std::string_view path(reinterpret_cast<const char*>(data), size);
  check_split(path);
  const std::span<char> out = first.get(size);
  const NormalizeResult r = normalize_path(path, out);
  FUZZ_CHECK(r.error != TargetError::too_long);
  if (is_normalized(path)) {
    FUZZ_CHECK(r.error == TargetError::none);
    FUZZ_CHECK(std::string_view(out.data(), r.length) == path);
  }
  if (r.error != TargetError::none) {
    FUZZ_CHECK(r.length == 0);
    FUZZ_CHECK(to_string(r.error) != "unknown");  // every refusal has a stable name for logs
    return 0;
  }
  FUZZ_CHECK(r.length >= 1 && r.length <= out.size());
  const std::string_view result(out.data(), r.length);
  check_normal_form(result);

  const std::span<char> out2 = again.get(r.length);
  const NormalizeResult r2 = normalize_path(result, out2);
  FUZZ_CHECK(r2.error == TargetError::none);
  FUZZ_CHECK(std::string_view(out2.data(), r2.length) == result);

  const std::span<char> exact = tight.get(r.length);
  const NormalizeResult r3 = normalize_path(path, exact);
  FUZZ_CHECK(
      r3.error == TargetError::too_long ||
      (r3.error == TargetError::none && std::string_view(exact.data(), r3.length) == result));
  const NormalizeResult r4 = normalize_path(path, tight.get(r.length - 1));
  FUZZ_CHECK(r4.error == TargetError::too_long && r4.length == 0);
  return 0;
}
