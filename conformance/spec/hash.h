// FNV-1a, 64 bits: the one stable hash of h1spec (per-case split seeds, finding ids).
#pragma once

#include <cstdint>
#include <string_view>

namespace h1spec {

[[nodiscard]] constexpr std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace h1spec
