// h1fault: a deliberately broken HTTP/1.1 server, used to prove that h1spec can fail.
// Role relay (the default) fronts a real h1ref and injects one classic tutorial-server defect
// (--fault NAME) into the relayed bytes; with --fault none it is a transparent relay. Role
// proxy is a strict reverse proxy (faulty_proxy.h) with switchable proxy defects
// (--proxy-fault NAME, repeatable), graded by the proxy cases. A test tool only, never part
// of h1ref.
//
//   h1fault --fault NAME --upstream 127.0.0.1:PORT [--root DIR] [--port N]
//   h1fault --role proxy --upstream 127.0.0.1:PORT [--proxy-fault NAME]... [--port N]
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <csignal>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "faulty_fault.h"
#include "faulty_net.h"
#include "faulty_proxy.h"
#include "faulty_relay.h"
#include "proxy_fault.h"

namespace {

using h1spec::faulty::Fd;
using h1spec::faulty::ProxyConfig;
using h1spec::faulty::RelayConfig;

// Connections beyond this wait in the listen backlog until a relay thread finishes.
constexpr std::size_t kMaxConnections = 256;
constexpr int kPollMs = 200;

struct Options {
  bool proxy = false;  ///< --role proxy
  RelayConfig relay;
  ProxyConfig proxy_config;
  std::uint16_t port = 0;
};

// One relay thread and the flag it raises when it is finished, so it can be joined.
struct Worker {
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> done;
};

// Prints why the command line was refused and the usage; returns the exit code 2.
constexpr const char* kUsage =
    "usage: h1fault --fault NAME --upstream 127.B.C.D:PORT [--root DIR] [--port N]\n"
    "       h1fault --role proxy --upstream 127.B.C.D:PORT [--proxy-fault NAME]... [--port N]\n";

int usage(const std::string& why) {
  std::fprintf(stderr, "h1fault: %s\n%sfaults: %s\nproxy faults: %s\n", why.c_str(), kUsage,
               h1spec::faulty::fault_names().c_str(), h1spec::faulty::proxy_fault_names().c_str());
  return 2;
}

// --help: both roles, every fault of the proxy role with its meaning.
int help() {
  std::printf(
      "h1fault: a deliberately broken HTTP/1.1 front, to prove that h1spec can fail.\n%s"
      "\n--role relay (default): a byte relay in front of a real server, one --fault:\n"
      "  %s\n"
      "--role proxy: a strict reverse proxy (RFC 9110, RFC 9112); each --proxy-fault adds one\n"
      "defect:\n%s"
      "Both print \"listening on http://127.0.0.1:PORT\" once they accept; --port 0 picks a\n"
      "free port. The upstream must be a loopback address.\n",
      kUsage, h1spec::faulty::fault_names().c_str(), h1spec::faulty::proxy_fault_help().c_str());
  return 0;
}

// Fills `out` from the command line; returns why it is unusable, or nullopt.
std::optional<std::string> parse_options(int argc, char** argv, Options& out) {
  bool have_fault = false;
  bool have_upstream = false;
  bool have_proxy_fault = false;
  bool have_root = false;
  out.relay.root = "html";
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return "missing value for " + std::string(flag);
    const std::string_view value = argv[i + 1];
    if (flag == "--role") {
      if (value != "relay" && value != "proxy") {
        return "unknown role '" + std::string(value) + "', want relay or proxy";
      }
      out.proxy = value == "proxy";
    } else if (flag == "--proxy-fault") {
      const auto fault = h1spec::faulty::parse_proxy_fault(value);
      if (!fault) {
        return "unknown proxy fault '" + std::string(value) +
               "' (proxy faults: " + h1spec::faulty::proxy_fault_names() + ")";
      }
      out.proxy_config.faults.set(*fault);
      have_proxy_fault = true;
    } else if (flag == "--fault") {
      const auto fault = h1spec::faulty::parse_fault(value);
      if (!fault) return "unknown fault '" + std::string(value) + "'";
      out.relay.fault = *fault;
      have_fault = true;
    } else if (flag == "--upstream") {
      if (!parse_endpoint(value, out.relay.upstream)) {
        return "bad --upstream, want 127.B.C.D:PORT (loopback only)";
      }
      have_upstream = true;
    } else if (flag == "--root") {
      out.relay.root = std::string(value);
      have_root = true;
    } else if (flag == "--port") {
      unsigned port = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec != std::errc{} || end != value.data() + value.size() || port > 65535) {
        return "bad --port";
      }
      out.port = static_cast<std::uint16_t>(port);
    } else {
      return "unknown flag " + std::string(flag);
    }
  }
  if (!have_upstream) return "--upstream is required";
  if (out.proxy) {
    if (have_fault) return "--fault belongs to --role relay; the proxy role takes --proxy-fault";
    if (have_root) return "--root belongs to --role relay";
    out.proxy_config.upstream = out.relay.upstream;
    return std::nullopt;
  }
  if (have_proxy_fault) return "--proxy-fault needs --role proxy";
  if (!have_fault) return "--fault is required";
  struct stat st {};
  if (::stat(out.relay.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return "--root is not a directory: " + out.relay.root;
  }
  return std::nullopt;
}

// Joins the workers that have finished, or every worker when `all`.
void reap(std::list<Worker>& workers, bool all) {
  for (auto it = workers.begin(); it != workers.end();) {
    if (all || it->done->load()) {
      it->thread.join();
      it = workers.erase(it);
    } else {
      ++it;
    }
  }
}

// Accepts one client and starts its relay thread; a failure only drops that client.
void accept_one(int listener, const Options& options, const std::atomic<bool>& stop,
                std::list<Worker>& workers) {
  Fd client(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!client.valid()) {
    // Out of descriptors: back off rather than spin on a listener that stays readable.
    if (errno == EMFILE || errno == ENFILE)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return;
  }
  if (!h1spec::faulty::make_relay_socket(client.get())) return;
  auto done = std::make_shared<std::atomic<bool>>(false);
  try {
    std::thread thread([c = std::move(client), &options, &stop, done]() mutable {
      if (options.proxy) {
        h1spec::faulty::proxy_connection(std::move(c), options.proxy_config, stop);
      } else {
        h1spec::faulty::relay_connection(std::move(c), options.relay, stop);
      }
      done->store(true);
    });
    workers.push_back({std::move(thread), std::move(done)});
  } catch (const std::system_error&) {
    // No thread to be had: the client is closed with the lambda that owned it.
  }
}

// Listens, relays until SIGINT or SIGTERM arrives on signal_fd, then stops every relay.
int serve(const Options& options, int signal_fd) {
  const Fd listener = h1spec::faulty::listen_loopback(options.port);
  if (!listener.valid()) {
    std::perror("h1fault: listen");
    return 2;
  }
  std::printf("listening on http://127.0.0.1:%u\n",
              static_cast<unsigned>(h1spec::faulty::local_port(listener.get())));
  std::fflush(stdout);
  std::atomic<bool> stop{false};
  std::list<Worker> workers;
  while (true) {
    reap(workers, false);
    const bool room = workers.size() < kMaxConnections;
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {room ? listener.get() : -1, POLLIN, 0}};
    if (::poll(fds, 2, kPollMs) < 0 && errno != EINTR) break;
    if ((fds[0].revents & POLLIN) != 0) break;
    if ((fds[1].revents & POLLIN) != 0) accept_one(listener.get(), options, stop, workers);
  }
  stop.store(true);
  reap(workers, true);
  return 0;
}

}  // namespace

// Parses flags, routes SIGINT/SIGTERM to a signalfd (blocked in every thread), and serves.
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") return help();
  }
  Options options;
  if (const auto why = parse_options(argc, argv, options)) return usage(*why);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Blocked before any thread starts, so every relay thread inherits the mask.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  const Fd signal_fd(::signalfd(-1, &signals, SFD_CLOEXEC));
  if (!signal_fd.valid()) {
    std::perror("h1fault: signalfd");
    return 2;
  }
  return serve(options, signal_fd.get());
}
