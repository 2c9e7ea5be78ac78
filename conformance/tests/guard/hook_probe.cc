// Asks the preloaded connect hook to judge one destination without any way of sending: the
// "socket" is a pipe, so a call the hook passes through fails in the kernel with ENOTSOCK
// and no packet can leave, while a call the hook refuses fails with EACCES.
//
//   hook_probe connect|sendto|sendmsg ADDR PORT   prints EACCES, ENOTSOCK or another errno
//   hook_probe resolve NAME                       prints EAI_FAIL, ok or another error
//
// It does nothing unless the hook is loaded (exit 2), so it cannot run unguarded.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const char* errno_name(int e) {
  switch (e) {
    case EACCES:
      return "EACCES";
    case ENOTSOCK:
      return "ENOTSOCK";
    default:
      return std::strerror(e);
  }
}

bool make_address(const char* host, int port, sockaddr_storage& out, socklen_t& len) {
  out = {};
  auto* in = reinterpret_cast<sockaddr_in*>(&out);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (::inet_pton(AF_INET, host, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in;
    return true;
  }
  if (::inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *in6;
    return true;
  }
  return false;
}

int probe_send(const std::string& call, const char* host, int port) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (!make_address(host, port, addr, len)) {
    std::fprintf(stderr, "hook_probe: %s is not a numeric address\n", host);
    return 2;
  }
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return 2;
  const auto* sa = reinterpret_cast<const sockaddr*>(&addr);
  char byte = 'x';
  errno = 0;
  long rc = -1;
  if (call == "connect") {
    rc = ::connect(pipe_fds[1], sa, len);
  } else if (call == "sendto") {
    rc = ::sendto(pipe_fds[1], &byte, 1, 0, sa, len);
  } else {
    iovec iov{&byte, 1};
    msghdr msg{};
    msg.msg_name = &addr;
    msg.msg_namelen = len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    rc = ::sendmsg(pipe_fds[1], &msg, 0);
  }
  const int e = errno;
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  std::printf("%s\n", rc == 0 ? "ok" : errno_name(e));
  return 0;
}

int probe_resolve(const char* name) {
  // AI_NUMERICHOST: even a call the hook passed through could not ask a resolver.
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(name, "80", &hints, &res);
  if (rc == 0) ::freeaddrinfo(res);
  std::printf("%s\n", rc == 0 ? "ok" : rc == EAI_FAIL ? "EAI_FAIL" : ::gai_strerror(rc));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (::dlsym(RTLD_DEFAULT, "h1_connect_hook_loaded") == nullptr) {
    std::fprintf(stderr, "hook_probe: the connect hook is not preloaded; nothing was tried\n");
    return 2;
  }
  const std::string call = argc > 1 ? argv[1] : "";
  if (call == "resolve" && argc == 3) return probe_resolve(argv[2]);
  if ((call == "connect" || call == "sendto" || call == "sendmsg") && argc == 4) {
    return probe_send(call, argv[2], std::atoi(argv[3]));
  }
  std::fprintf(stderr, "usage: hook_probe connect|sendto|sendmsg ADDR PORT | resolve NAME\n");
  return 2;
}
