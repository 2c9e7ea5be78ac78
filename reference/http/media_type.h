// Content-Type of a static file, chosen by its extension.
#pragma once

#include <string_view>

namespace h1::http {

// Media type for the extension after the last dot of the last segment of `path`, compared
// case-insensitively; "application/octet-stream" for an unknown or missing extension.
[[nodiscard]] std::string_view media_type_for(std::string_view path) noexcept;

}  // namespace h1::http
