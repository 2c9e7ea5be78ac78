// h1spec's own strict reader of HTTP/1.1 responses. It shares no code with the server
// it judges: a judge that parses with the server's parser inherits its bugs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h1spec {

enum class Framing : std::uint8_t { none, content_length, chunked, until_close };

struct Response {
  std::string version;  ///< "HTTP/1.1"
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> fields;  ///< in order, values OWS-trimmed
  std::string body;                                         ///< decoded (chunked is undone)
  Framing framing = Framing::none;
  std::size_t begin = 0, end = 0;  ///< byte offsets of the whole message in the stream

  // Values of every field named `name` (case-insensitive).
  [[nodiscard]] std::vector<std::string_view> all(std::string_view name) const;
  // First value of `name`, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view name) const;
  [[nodiscard]] bool interim() const { return status >= 100 && status < 200; }
};

enum class ReadStatus : std::uint8_t { complete, need_more, malformed };

struct ReadResult {
  ReadStatus status = ReadStatus::need_more;
  Response response;
  std::size_t consumed = 0;
  std::string error;  ///< malformed: what is wrong, for the report
};

// Reads one response from the start of bytes. head_request: the response answers HEAD,
// so no body follows. eof: no more bytes will come (ends an until-close body).
[[nodiscard]] ReadResult read_response(std::string_view bytes, bool head_request, bool eof);

[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

}  // namespace h1spec
