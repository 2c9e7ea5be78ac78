#include "io/signals.h"

#include <pthread.h>

namespace h1::io {

void ignore_sigpipe() noexcept {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  (void)::sigaction(SIGPIPE, &sa, nullptr);
}

sigset_t block_signals(std::initializer_list<int> signals) noexcept {
  sigset_t set;
  sigemptyset(&set);
  for (const int s : signals) sigaddset(&set, s);
  (void)::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

sigset_t block_stop_signals() noexcept { return block_signals({SIGINT, SIGTERM}); }

int wait_for_signal(const sigset_t& set) noexcept {
  for (;;) {
    int signo = 0;
    if (::sigwait(&set, &signo) == 0) return signo;
  }
}

}  // namespace h1::io
