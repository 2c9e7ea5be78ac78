// Starts the real h1ref binary as a child process and stops it again. Only the PID this
// object started is ever signalled, and every wait is bounded.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "io/unique_fd.h"

namespace h1::integration {

// How a finished child ended.
struct ExitInfo {
  bool exited = false;  ///< false: killed by a signal or still running at the deadline
  int status = -1;      ///< exit status when exited
  int signal = 0;       ///< terminating signal otherwise
};

// The output of a process that ran to completion (bad flags and the like).
struct Finished {
  ExitInfo exit;
  std::string out;
  std::string err;
};

// The command line of a test server: root on a free port (--port 0; ServerProcess reads the
// port back), no informational output, then extra (later flags win, so extra may override).
[[nodiscard]] std::vector<std::string> server_args(const std::string& root,
                                                   const std::vector<std::string>& extra = {});

// Runs h1ref with args until it exits (SIGKILL after timeout) and captures its output.
Finished run_h1ref(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The one way the C++ tests start a server: every test that needs a running h1ref uses this,
// none spawns its own.
class ServerProcess {
 public:
  // Starts h1ref with args and waits (at most 10 s) for its "listening on" line, which
  // gives the port; throws std::runtime_error with its stderr if it never comes.
  explicit ServerProcess(const std::vector<std::string>& args);
  // Stops the server if still running: SIGTERM, then SIGKILL after 5 s.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& listening_line() const { return line_; }
  // Whether the child is still running (reaps it if it has exited).
  [[nodiscard]] bool alive();
  // Sends sig to the child (only if it is still running) without waiting.
  void signal(int sig);
  // Waits up to timeout for the exit; SIGKILLs it after that.
  ExitInfo wait(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // signal(sig), then wait(timeout).
  ExitInfo stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Everything the server has written to stderr so far.
  [[nodiscard]] std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  ExitInfo exit_{};
  io::unique_fd stdout_;  // read end of the stdout pipe, kept open so writes never fail
  io::unique_fd stderr_;  // an unlinked temporary file
  std::uint16_t port_ = 0;
  std::string line_;
};

}  // namespace h1::integration
