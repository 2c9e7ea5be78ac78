#include "origin/origin_json.h"

namespace h1spec::origin {

namespace {

nlohmann::json field_list(const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, value] : fields) {
    out.push_back({bytes_as_text(name), bytes_as_text(value)});
  }
  return out;
}

const char* framing_name(BodyFraming f) {
  switch (f) {
    case BodyFraming::content_length:
      return "content-length";
    case BodyFraming::chunked:
      return "chunked";
    case BodyFraming::none:
      break;
  }
  return "none";
}

}  // namespace

std::string bytes_as_text(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xc0 | (u >> 6));
      out += static_cast<char>(0x80 | (u & 0x3f));
    }
  }
  return out;
}

nlohmann::json request_json(const RecordedRequest& r) {
  const Request& q = r.request;
  return {{"event", "request"},
          {"connection", r.connection},
          {"index", r.index},
          {"method", bytes_as_text(q.method)},
          {"target", bytes_as_text(q.target)},
          {"version", bytes_as_text(q.version)},
          {"fields", field_list(q.fields)},
          {"framing", framing_name(q.framing)},
          {"body", bytes_as_text(q.body)},
          {"trailers", field_list(q.trailers)},
          {"begin", q.begin},
          {"end", q.end},
          {"leading_empty_lines", q.leading_empty_lines}};
}

nlohmann::json malformed_json(const RecordedConnection& c) {
  return {{"event", "malformed"},
          {"connection", c.id},
          {"offset", c.error_offset},
          {"error", bytes_as_text(c.error)}};
}

}  // namespace h1spec::origin
