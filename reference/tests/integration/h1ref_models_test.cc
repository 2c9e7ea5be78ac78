// Every concurrency model as a process: graceful stops, timeouts and resource bounds. The
// conformance suite proves each model's HTTP (ctest suite/model-*); these prove what the
// suite cannot see, such as children reaped by the fork model.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "raw_client.h"
#include "server_process.h"

namespace h1::integration {
namespace {

using std::chrono::milliseconds;

const std::string kHtml = H1_HTML_ROOT;

// html/ served by `model`, then extra.
std::vector<std::string> model_args(const std::string& model, std::vector<std::string> extra) {
  extra.insert(extra.begin(), {"--model", model});
  return server_args(kHtml, extra);
}

struct Child {
  pid_t pid;
  char state;  // 'Z' for a zombie
};

// The processes whose parent is `parent`, read from /proc/PID/stat.
std::vector<Child> children_of(pid_t parent) {
  std::vector<Child> out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return out;
  while (const dirent* e = ::readdir(proc)) {
    const std::string name = e->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in("/proc/" + name + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so parse after the last ')'.
    const std::size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 1));
    char state = 0;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back({static_cast<pid_t>(std::stol(name)), state});
  }
  ::closedir(proc);
  return out;
}

// Polls children_of(parent) until it has `count` entries, none a zombie, for up to kPatience.
bool settles_to(pid_t parent, std::size_t count) {
  for (auto i = kPatience / milliseconds(50); i > 0; --i) {
    const std::vector<Child> kids = children_of(parent);
    bool zombie = false;
    for (const Child& k : kids) zombie = zombie || k.state == 'Z';
    if (kids.size() == count && !zombie) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

// Whether a response arrives on c within its timeout; c stays usable after a timeout.
bool answered(RawClient& c) {
  try {
    return c.read_response().status == 200;
  } catch (const std::runtime_error&) {
    return false;
  }
}

TEST_CASE("every model stops on SIGTERM with status 0, closing idle connections",
          "[integration][models]") {
  const std::string model = GENERATE("epoll", "poll", "coroutine", "threads", "fork", "blocking");
  INFO("model " << model);
  ServerProcess server(model_args(model, {}));
  RawClient idle(server.port());
  idle.send(request("GET", "/notes.txt"));
  CHECK(idle.read_response().status == 200);
  const ExitInfo e = server.stop(SIGTERM, kPatience);
  CHECK(e.exited);
  CHECK(e.status == 0);
  CHECK(idle.peer_closes(kPatience));
}

TEST_CASE("every model finishes a response in flight after SIGTERM", "[integration][models]") {
  const std::string model = GENERATE("epoll", "poll", "coroutine", "threads", "fork", "blocking");
  INFO("model " << model);
  // 16 MiB (sparse, so cheap) is far more than the socket buffers hold: with a small receive
  // buffer and no reading yet, most of it is still on the server when the signal comes.
  constexpr std::size_t kSize = std::size_t{16} << 20;
  std::string dir = "/tmp/h1ref-models-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  const std::string file = dir + "/huge.bin";
  {
    io::unique_fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    REQUIRE(fd);
    REQUIRE(::ftruncate(fd.get(), static_cast<off_t>(kSize)) == 0);
  }
  ServerProcess server(server_args(dir, {"--model", model}));
  RawClient c(server.port(), kPatience, 16 * 1024);
  c.send(request("GET", "/huge.bin"));
  // The signal comes once the response has begun (its first bytes are here), however long
  // the server took to get there; none of it is read yet.
  REQUIRE(c.wait_for_bytes());
  server.signal(SIGTERM);
  // A server that dropped the response would be gone by now; one that drains cannot be,
  // since the client has not read what does not fit the socket buffers.
  std::this_thread::sleep_for(milliseconds(200));
  CHECK(server.alive());  // still draining
  const Response r = c.read_response();
  CHECK(r.status == 200);
  CHECK(r.body.size() == kSize);
  CHECK(r.body.find_first_not_of('\0') == std::string::npos);
  const ExitInfo e = server.wait(kPatience);
  CHECK(e.exited);
  CHECK(e.status == 0);
  ::unlink(file.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("every model applies the header and idle timeouts", "[integration][models]") {
  const std::string model = GENERATE("epoll", "poll", "coroutine", "threads", "fork", "blocking");
  INFO("model " << model);
  ServerProcess server(model_args(model, {"--header-timeout", "0.5", "--idle-timeout", "0.5"}));
  {
    RawClient c(server.port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n");
    const std::string answer = c.read_to_close();
    CHECK((answer.empty() || answer.rfind("HTTP/1.1 408", 0) == 0));
  }
  {
    RawClient c(server.port());
    c.send(request("GET", "/notes.txt"));
    CHECK(c.read_response().status == 200);
    CHECK(c.peer_closes(kPatience));  // the 0.5 s idle timeout, with room for a slow machine
  }
  CHECK(server.alive());
}

TEST_CASE("the fork model reaps every child and leaves none behind", "[integration][models]") {
  ServerProcess server(model_args("fork", {}));
  // Twenty connections, each closed after one response: each child exits, and the parent
  // must reap it at once (no zombie).
  for (int i = 0; i < 20; ++i) {
    RawClient c(server.port());
    c.send(request("GET", "/notes.txt", "Connection: close\r\n"));
    REQUIRE(c.read_response().status == 200);
    CHECK(c.peer_closes(kPatience));
  }
  CHECK(settles_to(server.pid(), 0));
  // Three kept-alive connections are three live children...
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server.port()));
    held.back()->send(request("GET", "/notes.txt"));
    REQUIRE(held.back()->read_response().status == 200);
  }
  REQUIRE(settles_to(server.pid(), 3));
  std::vector<pid_t> kids;
  for (const Child& k : children_of(server.pid())) kids.push_back(k.pid);
  // ...that a graceful stop ends and reaps before the parent exits.
  const ExitInfo e = server.stop(SIGTERM, kPatience);
  CHECK(e.exited);
  CHECK(e.status == 0);
  for (const pid_t k : kids) {
    INFO("child " << k);
    CHECK_FALSE(process_exists(k));
  }
  for (auto& c : held) CHECK(c->peer_closes(kPatience));
}

TEST_CASE("the threads and fork models cap their workers and serve the next one later",
          "[integration][models]") {
  const std::string model = GENERATE("threads", "fork");
  INFO("model " << model);
  ServerProcess server(model_args(model, {"--max-connections", "2"}));
  RawClient a(server.port()), b(server.port());
  for (RawClient* c : {&a, &b}) {
    c->send(request("GET", "/notes.txt"));
    REQUIRE(c->read_response().status == 200);
  }
  // The third waits in the backlog: no answer while both workers are busy (0.7 s of silence
  // proves little on a slow machine, but a slow machine can only make this pass)...
  RawClient third(server.port(), milliseconds(700));
  third.send(request("GET", "/notes.txt"));
  CHECK_FALSE(answered(third));
  // ...and its answer once one of them is gone, however long the server takes to notice.
  a.close();
  third.set_timeout(kPatience);
  CHECK(answered(third));
  CHECK(server.alive());
}

// The event-loop models' refusal beyond --max-connections is tested for all three in
// h1ref_lifecycle_test.cc.

}  // namespace
}  // namespace h1::integration
