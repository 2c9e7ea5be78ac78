// The h1ref command line, parsed by a pure function so that tests can check every flag
// without starting a server.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "models/model.h"

namespace h1::cli {

struct ParsedOptions {
  models::ServeOptions options;
  std::string error;  ///< empty on success; else one line, without the "h1ref: " prefix

  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

// Parses the arguments after the program name. Both "--flag value" and "--flag=value"
// are accepted; later flags override earlier ones; --help and --version stop parsing at
// once.
[[nodiscard]] ParsedOptions parse_options(std::span<const std::string_view> args);

// The --help text, ending in a newline.
[[nodiscard]] std::string usage();

// The --version line, "h1ref <version> (git <revision>)\n": the project version and the git
// revision of the build (cmake/version.cmake).
[[nodiscard]] std::string version_text();

}  // namespace h1::cli
