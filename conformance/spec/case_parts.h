// The pieces that both kinds of expectation share: the client's ```expect block and the
// origin's ```origin-expect block check fields and bodies with the same statements, and both
// report a malformed line the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace h1spec {

struct HeaderCheck {
  enum class Kind : std::uint8_t { present, equals, contains, absent };
  Kind kind = Kind::present;
  std::string name;
  std::string value;
};

struct BodyCheck {
  enum class Kind : std::uint8_t { unchecked, exact, file, file_range, length, empty };
  Kind kind = Kind::unchecked;
  std::string text;  ///< exact: the bytes; file, file_range: the path under --docroot
  std::uint64_t first = 0, last = 0, length = 0;
};

struct CaseFileError {
  std::string file;
  int line = 0;
  std::string message;
  [[nodiscard]] std::string describe() const;  ///< "file:line: message"
};

// Parses the rest of a `header ...` or `no-header ...` statement (verb is "header" or
// "no-header", line the whole trimmed statement). False and error set when malformed.
[[nodiscard]] bool parse_header_check(std::string_view verb, std::string_view line,
                                      HeaderCheck& out, std::string& error);

}  // namespace h1spec
