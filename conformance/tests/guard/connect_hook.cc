// An LD_PRELOAD library for the guard tests: every connect(), sendto() and sendmsg() with a
// destination, and every getaddrinfo(), is written to the file named by H1_CONNECT_LOG and
// judged before libc sees it. Loopback (127.0.0.0/8, ::1, ::ffff:127.x.x.x) and AF_UNIX pass
// through; any other destination, any non-numeric name, and the loopback addresses listed
// in H1_CONNECT_BLOCK (comma-separated literals, to prove the refusal on a live server) are
// refused with EACCES (EAI_FAIL for names) and never reach the kernel or a resolver.
//
// Log lines: "loaded PID", then "<allowed|refused> <connect|sendto|sendmsg> ADDR:PORT" or
// "<allowed|refused> resolve NAME". "loaded" proves the hook was in the process, so a log
// with nothing after it proves that no connect was attempted.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

void log_line(const char* text) {
  const char* path = std::getenv("H1_CONNECT_LOG");
  if (path == nullptr || *path == '\0') return;
  const int saved = errno;
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    char line[512];
    const int n = std::snprintf(line, sizeof line, "%s\n", text);
    // One write per line, so that threads and processes sharing the log never interleave.
    if (n > 0) (void)!::write(fd, line, static_cast<size_t>(n));
    ::close(fd);
  }
  errno = saved;
}

// "ADDR:PORT" (IPv6 in brackets) into out; false for a family other than IPv4 and IPv6.
bool describe(const sockaddr* sa, char* out, size_t size) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    std::snprintf(out, size, "%s:%u", host, ntohs(in->sin_port));
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    std::snprintf(out, size, "[%s]:%u", host, ntohs(in6->sin6_port));
    return true;
  }
  std::snprintf(out, size, "family=%d", sa->sa_family);
  return false;
}

// True when the literal host (as inet_ntop wrote it, without brackets) is in H1_CONNECT_BLOCK.
bool blocked_by_env(const char* host) {
  const char* list = std::getenv("H1_CONNECT_BLOCK");
  if (list == nullptr) return false;
  const size_t len = std::strlen(host);
  for (const char* p = list; *p != '\0';) {
    const char* end = std::strchr(p, ',');
    const size_t n = end == nullptr ? std::strlen(p) : static_cast<size_t>(end - p);
    if (n == len && std::strncmp(p, host, n) == 0) return true;
    if (end == nullptr) break;
    p = end + 1;
  }
  return false;
}

bool loopback(const sockaddr* sa) {
  char host[INET6_ADDRSTRLEN] = "";
  bool ok = false;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    ok = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    ok = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
         (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
  }
  return ok && !blocked_by_env(host);
}

// Logs the call and says whether it may go on. A null destination (a connected socket's
// send) was judged at its connect; AF_UNIX never leaves the machine.
bool permitted(const char* call, const sockaddr* sa) {
  if (sa == nullptr || sa->sa_family == AF_UNIX) return true;
  char where[INET6_ADDRSTRLEN + 16];
  const bool ip = describe(sa, where, sizeof where);
  const bool ok = ip && loopback(sa);
  char line[256];
  std::snprintf(line, sizeof line, "%s %s %s", ok ? "allowed" : "refused", call, where);
  log_line(line);
  return ok;
}

template <typename Fn>
Fn real(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

__attribute__((constructor)) void announce() {
  char line[64];
  std::snprintf(line, sizeof line, "loaded %d", static_cast<int>(::getpid()));
  log_line(line);
}

}  // namespace

extern "C" {

// Lets a probe check that the hook is really preloaded before it tries anything.
int h1_connect_hook_loaded = 1;

int connect(int fd, const sockaddr* addr, socklen_t len) {
  if (!permitted("connect", addr)) {
    errno = EACCES;
    return -1;
  }
  static const auto next = real<int (*)(int, const sockaddr*, socklen_t)>("connect");
  return next(fd, addr, len);
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* addr, socklen_t len) {
  if (!permitted("sendto", addr)) {
    errno = EACCES;
    return -1;
  }
  static const auto next =
      real<ssize_t (*)(int, const void*, size_t, int, const sockaddr*, socklen_t)>("sendto");
  return next(fd, buf, n, flags, addr, len);
}

// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): libc names them __x
ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
  if (msg != nullptr && !permitted("sendmsg", static_cast<const sockaddr*>(msg->msg_name))) {
    errno = EACCES;
    return -1;
  }
  static const auto next = real<ssize_t (*)(int, const msghdr*, int)>("sendmsg");
  return next(fd, msg, flags);
}

// A numeric literal never reaches a resolver; any name would (glibc's own DNS sockets do
// not pass through the connect above), so names are refused outright.
// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name): libc names them __x
int getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** res) {
  in6_addr probe{};
  const bool numeric = node == nullptr || ::inet_pton(AF_INET, node, &probe) == 1 ||
                       ::inet_pton(AF_INET6, node, &probe) == 1;
  char line[300];
  std::snprintf(line, sizeof line, "%s resolve %s", numeric ? "allowed" : "refused",
                node == nullptr ? "(null)" : node);
  log_line(line);
  if (!numeric) return EAI_FAIL;
  static const auto next =
      real<int (*)(const char*, const char*, const addrinfo*, addrinfo**)>("getaddrinfo");
  return next(node, service, hints, res);
}

}  // extern "C"
