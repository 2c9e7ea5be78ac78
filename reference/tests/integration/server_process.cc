#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <thread>

namespace h1::integration {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  io::unique_fd read;
  io::unique_fd write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  return {io::unique_fd(fds[0]), io::unique_fd(fds[1])};
}

// An unlinked temporary file: a child's stderr that can never fill up and block it.
io::unique_fd temp_file() {
  char name[] = "/tmp/h1ref-stderr-XXXXXX";
  io::unique_fd fd(::mkostemp(name, O_CLOEXEC));
  if (!fd) throw std::runtime_error("mkostemp failed");
  ::unlink(name);
  return fd;
}

std::string read_file(int fd) {
  std::string out;
  char buf[4096];
  off_t off = 0;
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof buf, off)) > 0) {
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return out;
}

pid_t spawn(const std::vector<std::string>& args, int out_fd, int err_fd) {
  std::vector<char*> argv;
  std::string path = H1REF_PATH;
  argv.push_back(path.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  // The child must not inherit our blocked or ignored signals: reset both.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("posix_spawn " + path + " failed");
  return pid;
}

ExitInfo decode(int wstatus) {
  ExitInfo e;
  if (WIFEXITED(wstatus)) {
    e.exited = true;
    e.status = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    e.signal = WTERMSIG(wstatus);
  }
  return e;
}

// Waits for pid until the deadline; SIGKILLs and reaps it if it is still running.
ExitInfo wait_bounded(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int wstatus = 0;
    const pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) return decode(wstatus);
    if (r < 0 && errno != EINTR) return {};
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  ExitInfo e = decode(wstatus);
  e.exited = false;  // it had to be killed: never count that as a clean exit
  return e;
}

// Reads one line from fd, waiting at most until deadline; "" on timeout or EOF.
std::string read_line(int fd, Clock::time_point deadline) {
  std::string line;
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
    char c;
    const ssize_t n = ::read(fd, &c, 1);
    if (n <= 0) return {};
    if (c == '\n') return line;
    line.push_back(c);
  }
  return {};
}

}  // namespace

std::vector<std::string> server_args(const std::string& root,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--root", root, "--port", "0", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

Finished run_h1ref(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  io::unique_fd out = temp_file();
  io::unique_fd err = temp_file();
  const pid_t pid = spawn(args, out.get(), err.get());
  Finished f;
  f.exit = wait_bounded(pid, timeout);
  f.out = read_file(out.get());
  f.err = read_file(err.get());
  return f;
}

ServerProcess::ServerProcess(const std::vector<std::string>& args) {
  Pipe out = make_pipe();
  stderr_ = temp_file();
  pid_ = spawn(args, out.write.get(), stderr_.get());
  out.write.reset();
  stdout_ = std::move(out.read);
  line_ = read_line(stdout_.get(), Clock::now() + std::chrono::seconds(10));
  const std::string prefix = "listening on http://127.0.0.1:";
  if (line_.rfind(prefix, 0) == 0) {
    port_ = static_cast<std::uint16_t>(std::atoi(line_.c_str() + prefix.size()));
  }
  if (port_ == 0) {
    stop(SIGKILL);
    throw std::runtime_error("h1ref did not report a port; stdout line '" + line_ +
                             "', stderr: " + stderr_text());
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  const ExitInfo e = stop(SIGTERM);
  // Every server must also stop cleanly: this catches crashes and sanitizer reports at
  // exit in tests that never stop it themselves. (CHECK does not throw.)
  if (std::uncaught_exceptions() == 0) {
    INFO("h1ref stderr: " << stderr_text());
    CHECK(e.exited);
    CHECK(e.status == 0);
  }
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  int wstatus = 0;
  if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
    exit_ = decode(wstatus);
    pid_ = -1;
    return false;
  }
  return true;
}

void ServerProcess::signal(int sig) {
  if (alive()) ::kill(pid_, sig);
}

ExitInfo ServerProcess::wait(std::chrono::milliseconds timeout) {
  if (!alive()) return exit_;
  exit_ = wait_bounded(pid_, timeout);
  pid_ = -1;
  return exit_;
}

ExitInfo ServerProcess::stop(int sig, std::chrono::milliseconds timeout) {
  signal(sig);
  return wait(timeout);
}

std::string ServerProcess::stderr_text() const { return read_file(stderr_.get()); }

}  // namespace h1::integration
