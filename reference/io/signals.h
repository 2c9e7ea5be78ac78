// Process signals. Stop signals are handled synchronously: they are blocked in every
// thread and one thread waits for them, so no async-signal-safe handler is needed.
#pragma once

#include <csignal>
#include <initializer_list>

namespace h1::io {

// Ignores SIGPIPE process-wide: a peer that vanished must show up as EPIPE on a write
// (sendfile has no MSG_NOSIGNAL), not kill the server.
void ignore_sigpipe() noexcept;

// Blocks the given signals in the calling thread (threads created and processes forked
// later inherit the mask) and returns them as a set.
[[nodiscard]] sigset_t block_signals(std::initializer_list<int> signals) noexcept;

// Blocks SIGINT and SIGTERM in the calling thread (threads created later inherit the
// mask) and returns the set for wait_for_signal.
[[nodiscard]] sigset_t block_stop_signals() noexcept;

// Waits until a signal of set (which must be blocked) is pending; returns its number.
[[nodiscard]] int wait_for_signal(const sigset_t& set) noexcept;

}  // namespace h1::io
