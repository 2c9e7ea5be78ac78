#include "grade/quoted.h"

namespace h1spec {

std::string quoted(std::string_view s, std::size_t max) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  if (s.size() > max) out += "...";
  return out + "\"";
}

}  // namespace h1spec
