// Processes, for the fork model: creating a child per connection, signalling and reaping
// children, and leaving a child without running the parent's exit handlers.
#pragma once

#include <sys/types.h>
#include <csignal>

#include "io/setup_result.h"
#include "io/unique_fd.h"

namespace h1::io {

// fork(2): 0 in the child, the child's pid in the parent, -1 with errno on failure.
[[nodiscard]] pid_t fork_process() noexcept;

// Reaps one child that has exited, without waiting; returns its pid, or 0 when none has.
[[nodiscard]] pid_t reap_exited_child() noexcept;

// Sends signo to one process; false if it is already gone.
bool signal_process(pid_t pid, int signo) noexcept;

// Ends the calling process at once with status, running no atexit handlers or static
// destructors: what a forked child must do, since those belong to the parent.
[[noreturn]] void exit_child(int status) noexcept;

// A non-blocking signalfd that turns readable while a signal of set (which must be blocked)
// is pending. After fork, the child's copy reports the child's own signals.
SetupResult<unique_fd> signal_fd(const sigset_t& set);

// Takes one pending signal from a signal_fd; returns its number, or 0 when none is pending.
[[nodiscard]] int read_signal(int fd) noexcept;

}  // namespace h1::io
