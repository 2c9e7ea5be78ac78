// A request as h1spec's own strict reader sees it (wire/request_reader.h): what a client sent,
// or what reached the recording origin behind a proxy. The smuggling oracle compares the two
// views, so both are cut into messages by the same rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h1spec {

enum class BodyFraming : std::uint8_t { none, content_length, chunked };

struct Request {
  std::string method;
  std::string target;                                       ///< as sent, not normalised
  std::string version;                                      ///< "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> fields;  ///< in order, values OWS-trimmed
  std::string body;                                         ///< decoded (chunked is undone)
  std::vector<std::pair<std::string, std::string>> trailers;
  BodyFraming framing = BodyFraming::none;
  std::size_t begin = 0, end = 0;  ///< byte offsets of the whole message in its stream
  /// Empty lines (CRLF) before the request-line, which RFC 9112 §2.2 lets a server skip;
  /// begin points past them. Non-zero is worth a note: a proxy should not forward them.
  std::size_t leading_empty_lines = 0;

  // Values of every field named `name` (case-insensitive), in order.
  [[nodiscard]] std::vector<std::string_view> all(std::string_view name) const;
  // First value of `name`, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view name) const;
};

}  // namespace h1spec
