// Outcome of a setup call (binding, opening a root...): a value, or a one-line message.
// Setup runs once at start-up, so a std::string for the message is fine here; the hot
// path reports errors through plain status enums instead.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace h1::io {

template <class T>
struct [[nodiscard]] SetupResult {
  std::optional<T> value;
  std::string error;  ///< set when value is empty; no trailing newline

  // A successful result holding v.
  static SetupResult ok(T v) { return SetupResult{std::optional<T>(std::move(v)), {}}; }
  // A failed result carrying a one-line message.
  static SetupResult fail(std::string message) {
    return SetupResult{std::nullopt, std::move(message)};
  }
  explicit operator bool() const noexcept { return value.has_value(); }
};

// "what: strerror(err)", the shape of every setup error message.
[[nodiscard]] std::string errno_message(const std::string& what, int err);

}  // namespace h1::io
