// Policy knobs of the connection core. The clock is an input, never read here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/limits.h"

namespace h1::core {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// The two clocks every event carries: monotonic for timeouts, wall seconds for Date.
struct Now {
  TimePoint mono{};
  std::int64_t unix_seconds = 0;
};

struct AccessRecord {
  std::string_view method;
  std::string_view target;
  int status = 0;
  std::uint64_t body_bytes = 0;
};

// Receives one record per response; implemented by io/, absent in tests by default.
class AccessLog {
 public:
  virtual ~AccessLog() = default;
  virtual void record(const AccessRecord& r) noexcept = 0;
};

struct Config {
  http::Limits limits{};
  std::chrono::milliseconds header_timeout{10'000};  ///< first byte of a head to its end (408)
  std::chrono::milliseconds idle_timeout{60'000};    ///< keep-alive idle, stalled body or write
  std::chrono::milliseconds linger_timeout{2'000};   ///< draining input after a closing response
  std::uint64_t max_discard_body = 1 << 20;          ///< larger request bodies close the connection
  std::size_t inline_body_max = 16'384;              ///< smaller files travel in the write buffer
  std::size_t read_buffer_size = 32'768;             ///< must exceed limits.max_head + request line
  std::size_t write_buffer_size = 65'536;
  bool serve_dotfiles = false;
  std::string_view server_name = "h1ref";
  AccessLog* access_log = nullptr;
};

}  // namespace h1::core
