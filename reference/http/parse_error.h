// Every way a request can be malformed. Values are stable: they appear in logs,
// fuzz regressions and tests, so never renumber; only append.
#pragma once

#include <cstdint>
#include <string_view>

namespace h1::http {

enum class ParseError : std::uint8_t {
  /// No error.
  none = 0,
  /// A CR not followed by LF where a line ending was expected.
  bare_cr = 1,
  /// A line ended in LF without the CR before it.
  bare_lf = 2,
  /// The method is empty or holds a byte that is not a tchar.
  bad_method = 3,
  /// The method is longer than Limits::max_method.
  method_too_long = 4,
  /// The request-target holds a forbidden byte, bad pct-encoding, or has no valid form.
  bad_target = 5,
  /// The request-target is longer than Limits::max_target.
  target_too_long = 6,
  /// The version is not exactly "HTTP/" DIGIT "." DIGIT.
  bad_version = 7,
  /// The version is well-formed but its major number is not 1.
  unsupported_version = 8,
  /// The request line does not have the shape method SP target SP version.
  bad_request_line = 9,
  /// A field name is empty or holds a byte that is not a tchar.
  bad_field_name = 10,
  /// Whitespace between a field name and its colon (RFC 9112 §5.1).
  whitespace_before_colon = 11,
  /// A field line has no colon.
  missing_colon = 12,
  /// A field line starts with SP or HTAB: obsolete line folding (RFC 9112 §5.2).
  obs_fold = 13,
  /// Whitespace between the request line and the first field line (RFC 9112 §2.2).
  whitespace_before_first_field = 14,
  /// A field value holds NUL, a bare CR or another CTL.
  bad_field_value = 15,
  /// One field line is longer than Limits::max_field_line.
  field_line_too_long = 16,
  /// More field lines than Limits::max_fields or the caller's storage.
  too_many_fields = 17,
  /// The whole head is longer than Limits::max_head.
  head_too_large = 18,
  /// Content-Length is not 1*DIGIT or overflows.
  bad_content_length = 19,
  /// Several Content-Length field lines with different values.
  conflicting_content_length = 20,
  /// Transfer-Encoding is empty, or chunked is missing, repeated or not last.
  bad_transfer_encoding = 21,
  /// Transfer-Encoding names a coding other than chunked (answered with 501).
  unknown_transfer_coding = 22,
  /// Both Content-Length and Transfer-Encoding are present (RFC 9112 §6.1).
  content_length_with_transfer_encoding = 23,
  /// Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1).
  transfer_encoding_in_http10 = 24,
  /// An HTTP/1.1 request without Host (RFC 9112 §3.2).
  missing_host = 25,
  /// More than one Host field line.
  duplicate_host = 26,
  /// A Host value that is not uri-host [":" port].
  bad_host = 27,
  /// A chunk-size that is empty or not hexadecimal.
  bad_chunk_size = 28,
  /// A chunk-size larger than Limits::max_chunk_size.
  chunk_size_overflow = 29,
  /// A malformed or oversized chunk extension.
  bad_chunk_extension = 30,
  /// Chunk data not followed by CRLF.
  bad_chunk_data_end = 31,
  /// A malformed trailer field line.
  bad_trailer = 32,
  /// The trailer section is longer than Limits::max_trailer.
  trailer_too_large = 33,
};

/// Number of enumerators, for tables and exhaustive tests.
inline constexpr int kParseErrorCount = 34;

// Stable snake_case name of an error, as spelled in the enum.
[[nodiscard]] std::string_view to_string(ParseError e) noexcept;

}  // namespace h1::http
