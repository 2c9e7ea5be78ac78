// A request as h1spec's own strict reader sees it (wire/request_reader.h): what a client sent,
// or what reached the recording origin behind a proxy. The smuggling oracle compares the two
// views, so both are cut into messages by the same rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
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
};

}  // namespace h1spec
