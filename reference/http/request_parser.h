// Incremental, allocation-free HTTP/1.1 request-head parser (RFC 9112 §2-§7).
//
// The parser works line by line. A line is validated once its LF has arrived, so a
// head fed in any segmentation gives the same result as the head fed whole. All
// views point into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/limits.h"
#include "http/parse_error.h"

namespace h1::http {

enum class ParseStatus : std::uint8_t { complete, need_more, error };

// consumed comes first so that the struct packs into 16 bytes, which the x86-64 and AArch64
// calling conventions return in two registers rather than through memory.
struct [[nodiscard]] ParseResult {
  std::size_t consumed = 0;  ///< bytes of the parsed element; set when complete
  ParseStatus status = ParseStatus::need_more;
  ParseError error = ParseError::none;

  static constexpr ParseResult done(std::size_t n) {
    return {n, ParseStatus::complete, ParseError::none};
  }
  static constexpr ParseResult more() { return {0, ParseStatus::need_more, ParseError::none}; }
  static constexpr ParseResult fail(ParseError e) { return {0, ParseStatus::error, e}; }
  constexpr bool complete() const { return status == ParseStatus::complete; }
  constexpr bool need_more() const { return status == ParseStatus::need_more; }
  constexpr bool failed() const { return status == ParseStatus::error; }
  friend constexpr bool operator==(const ParseResult&, const ParseResult&) = default;
};

struct Field {
  std::string_view name;   ///< as received; compare case-insensitively
  std::string_view value;  ///< OWS-trimmed
};

enum class TargetForm : std::uint8_t { origin, absolute, authority, asterisk };
enum class BodyFraming : std::uint8_t { none, content_length, chunked };

struct RequestLine {
  std::string_view method;
  std::string_view target;  ///< the request-target exactly as received
  TargetForm form = TargetForm::origin;
  std::string_view authority;       ///< absolute- and authority-form only
  std::string_view path_and_query;  ///< origin-form: the target; absolute-form: after the authority
  std::uint8_t version_major = 0;
  std::uint8_t version_minor = 0;
};

struct Request {
  RequestLine line;
  std::span<const Field> fields;  ///< field lines in order of arrival
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;  ///< meaningful when framing == content_length
  bool has_host = false;
  std::string_view host;
  bool connection_close = false;       ///< a "close" connection option was present
  bool connection_keep_alive = false;  ///< a "keep-alive" connection option was present

  // First field named `name` (case-insensitive), or nullptr.
  [[nodiscard]] const Field* find(std::string_view name) const noexcept;
};

// Case-insensitive ASCII comparison.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// Parses the request line at the start of buf, after any empty lines (RFC 9112 §2.2).
// consumed covers the empty lines and the line's CRLF.
ParseResult parse_request_line(std::span<const char> buf, RequestLine& out, const Limits& limits);

// Parses field lines at the start of buf through the empty line that ends them.
// Stores at most storage.size() fields and sets count. `first` says whether the
// fields follow a start line (leading whitespace is then its own error).
ParseResult parse_fields(std::span<const char> buf, std::span<Field> storage, std::size_t& count,
                         const Limits& limits, bool first = true);

// Checks a Host value or an absolute-form authority: uri-host [":" port] (RFC 3986 §3.2).
[[nodiscard]] bool valid_authority(std::string_view a) noexcept;

// Progress through field lines, so that parsing can resume where it stopped.
struct FieldCursor {
  std::size_t pos = 0;    ///< start of the first line not yet validated
  std::size_t scan = 0;   ///< no LF of the current line lies before this offset
  std::size_t count = 0;  ///< fields stored so far
};

class RequestParser {
 public:
  // storage receives the field views; its size caps the field count together with limits.
  RequestParser(const Limits& limits, std::span<Field> storage) noexcept;

  // Parses the head at the start of buf. Until the result is complete or an error,
  // every call must pass a buffer that starts with the same bytes at the same address;
  // it may have grown. After complete, consumed is the head size and request() is valid.
  ParseResult parse(std::span<const char> buf) noexcept;

  [[nodiscard]] const Request& request() const noexcept { return request_; }
  // True once the request line parsed: request().line is then valid even if a later
  // field fails, so that an error response to HEAD can omit its body.
  [[nodiscard]] bool has_request_line() const noexcept { return line_done_; }
  // Forgets all progress, ready for the next request.
  void reset() noexcept;
  // Points the parser at other field storage; only between requests (after reset()).
  void set_storage(std::span<Field> storage) noexcept { storage_ = storage; }

 private:
  enum class Stage : std::uint8_t { request_line, fields, done, failed };
  ParseResult parse_line(std::span<const char> buf) noexcept;
  ParseResult parse_field_lines(std::span<const char> buf) noexcept;
  ParseResult finish(std::size_t consumed) noexcept;

  const Limits* limits_;
  std::span<Field> storage_;
  Request request_{};
  Stage stage_ = Stage::request_line;
  ParseResult last_{};
  FieldCursor cursor_{};
  bool line_done_ = false;
};

}  // namespace h1::http
