// The framing and routing rules of RFC 9112 §3.2 and §6, applied to a complete head: body
// length (Content-Length, Transfer-Encoding), Host, and the Connection options. Internal to
// http/: RequestParser calls it once the empty line has arrived.
#pragma once

#include "http/parse_error.h"
#include "http/request_parser.h"

namespace h1::http {

// Fills r.framing, r.content_length, r.host, r.has_host and the connection flags from
// r.fields; returns the first rule the head breaks, or ParseError::none.
[[nodiscard]] ParseError analyse_head(Request& r) noexcept;

}  // namespace h1::http
