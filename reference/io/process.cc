#include "io/process.h"

#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>

namespace h1::io {

pid_t fork_process() noexcept { return ::fork(); }

pid_t reap_exited_child() noexcept {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid >= 0) return pid;
    if (errno != EINTR) return 0;  // ECHILD: no children at all
  }
}

bool signal_process(pid_t pid, int signo) noexcept { return ::kill(pid, signo) == 0; }

void exit_child(int status) noexcept { ::_exit(status); }

SetupResult<unique_fd> signal_fd(const sigset_t& set) {
  unique_fd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) return SetupResult<unique_fd>::fail(errno_message("signalfd", errno));
  return SetupResult<unique_fd>::ok(std::move(fd));
}

int read_signal(int fd) noexcept {
  signalfd_siginfo info{};
  for (;;) {
    const ssize_t n = ::read(fd, &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) return static_cast<int>(info.ssi_signo);
    if (n < 0 && errno == EINTR) continue;
    return 0;
  }
}

}  // namespace h1::io
