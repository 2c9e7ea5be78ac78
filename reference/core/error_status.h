// Maps a request parse error to the status code the server answers with.
#pragma once

#include "http/parse_error.h"

namespace h1::core {

// 414, 431, 501 or 505 where RFC 9110/9112 name a specific code; 400 otherwise.
[[nodiscard]] int status_for(http::ParseError e) noexcept;

}  // namespace h1::core
