// The two clocks every core event carries. core/ never reads a clock itself (it is sans-I/O),
// so this is where the monotonic and the wall clock are sampled.
#pragma once

#include <ctime>

#include "core/config.h"

namespace h1::io {

// Samples the monotonic clock (timeouts) and the wall clock in whole seconds (Date).
[[nodiscard]] inline core::Now now() noexcept {
  timespec wall{};
  (void)::clock_gettime(CLOCK_REALTIME, &wall);
  return core::Now{core::Clock::now(), static_cast<std::int64_t>(wall.tv_sec)};
}

}  // namespace h1::io
