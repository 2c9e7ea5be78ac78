// Minimal, lenient reading of HTTP/1.1 heads for the fault-injecting relay (h1fault).
// It only needs to find heads and bodies in a byte stream that a real server parses strictly,
// so it accepts more than the RFC does and never judges anything; it shares nothing with
// reference/http/ on purpose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace h1spec::faulty {

// How the body after a head is delimited, as far as the relay can tell.
struct BodyFraming {
  enum class Kind : std::uint8_t {
    none,     ///< no body follows
    length,   ///< exactly `length` bytes follow
    chunked,  ///< a chunked body follows
    unknown,  ///< the relay cannot delimit it (close-delimited, bad or conflicting fields)
  };
  Kind kind = Kind::none;
  std::uint64_t length = 0;
};

// Index just past the empty line that ends a head starting at buf[0], or npos; the search
// starts at the LF at or after `from`, so callers resume instead of rescanning. Bare LF line
// ends count too, so that a head the server may reject is still forwarded whole.
[[nodiscard]] std::size_t find_head_end(std::string_view buf, std::size_t from);

// The lines of a head, each with its own line break, so callers can drop or edit lines and
// put the rest back byte for byte.
[[nodiscard]] std::vector<std::string_view> split_lines(std::string_view head);

// A line without its trailing LF and at most one CR before it.
[[nodiscard]] std::string_view line_content(std::string_view line);

// The field name of a field line (text before the first ':'), empty when there is no ':'.
[[nodiscard]] std::string_view field_name(std::string_view content);

// The field value of a field line with surrounding spaces and tabs removed.
[[nodiscard]] std::string_view field_value(std::string_view content);

// The value of a hexadecimal digit, or -1.
[[nodiscard]] int hex_digit(char c);

// ASCII case-insensitive equality.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

// True when the comma-separated list `value` holds `token` (case-insensitive).
[[nodiscard]] bool has_token(std::string_view value, std::string_view token);

// The first line's first and second space-separated words (method and target of a request).
struct RequestLine {
  std::string_view method;
  std::string_view target;
};
[[nodiscard]] RequestLine request_line(std::string_view head);

// The status code of a response head ("HTTP/x.y NNN ..."), or -1 when it is not one.
[[nodiscard]] int response_status(std::string_view head);

// Framing of the body that follows a request head.
[[nodiscard]] BodyFraming request_framing(std::string_view head);

// Framing of the body that follows a response head; `answers_head` for a HEAD request.
[[nodiscard]] BodyFraming response_framing(std::string_view head, bool answers_head);

}  // namespace h1spec::faulty
