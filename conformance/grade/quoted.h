// Bytes shown in a verdict's reason: double-quoted, control and non-ASCII bytes escaped as in
// the case files (\r, \n, \xHH), cut after max bytes with "...".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace h1spec {

[[nodiscard]] std::string quoted(std::string_view s, std::size_t max = 60);

}  // namespace h1spec
