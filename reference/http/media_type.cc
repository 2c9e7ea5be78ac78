#include "http/media_type.h"

#include <array>

#include "http/chars.h"

namespace h1::http {

namespace {

struct Entry {
  std::string_view extension;  // lower case
  std::string_view type;
};

constexpr std::string_view kOctetStream = "application/octet-stream";

// Text types name their charset so that browsers do not sniff one.
constexpr std::array kTypes = {
    Entry{"html", "text/html; charset=utf-8"},
    Entry{"htm", "text/html; charset=utf-8"},
    Entry{"css", "text/css; charset=utf-8"},
    Entry{"js", "text/javascript; charset=utf-8"},  // RFC 9239
    Entry{"mjs", "text/javascript; charset=utf-8"},
    Entry{"txt", "text/plain; charset=utf-8"},
    Entry{"md", "text/markdown; charset=utf-8"},
    Entry{"csv", "text/csv; charset=utf-8"},
    Entry{"xml", "text/xml; charset=utf-8"},
    Entry{"svg", "image/svg+xml"},
    Entry{"json", "application/json"},  // RFC 8259 defines no charset parameter
    Entry{"png", "image/png"},
    Entry{"jpg", "image/jpeg"},
    Entry{"jpeg", "image/jpeg"},
    Entry{"gif", "image/gif"},
    Entry{"webp", "image/webp"},
    Entry{"ico", "image/x-icon"},  // understood by more clients than image/vnd.microsoft.icon
    Entry{"avif", "image/avif"},
    Entry{"pdf", "application/pdf"},
    Entry{"wasm", "application/wasm"},  // required for WebAssembly streaming compilation
    Entry{"woff", "font/woff"},
    Entry{"woff2", "font/woff2"},
    Entry{"ttf", "font/ttf"},
    Entry{"otf", "font/otf"},
    Entry{"mp3", "audio/mpeg"},
    Entry{"mp4", "video/mp4"},
    Entry{"webm", "video/webm"},
    Entry{"ogg", "audio/ogg"},
    Entry{"zip", "application/zip"},
    Entry{"gz", "application/gzip"},
    Entry{"tar", "application/x-tar"},
    Entry{"bin", kOctetStream},
};

bool equals_lower(std::string_view ext, std::string_view lower) noexcept {
  if (ext.size() != lower.size()) return false;
  for (std::size_t i = 0; i < ext.size(); ++i) {
    if (ascii_lower(ext[i]) != lower[i]) return false;
  }
  return true;
}

// Extension of the last segment; a leading dot marks a hidden file, not an extension.
std::string_view extension_of(std::string_view path) noexcept {
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

}  // namespace

std::string_view media_type_for(std::string_view path) noexcept {
  const std::string_view ext = extension_of(path);
  if (ext.empty()) return kOctetStream;
  for (const Entry& e : kTypes) {
    if (equals_lower(ext, e.extension)) return e.type;
  }
  return kOctetStream;
}

}  // namespace h1::http
