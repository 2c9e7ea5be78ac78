// h1ref as a process: start-up errors, signals, limits and timeouts.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "h1_version.h"
#include "raw_client.h"
#include "server_process.h"

namespace h1::integration {
namespace {

using std::chrono::milliseconds;

const std::string kHtml = H1_HTML_ROOT;

// html/ with one worker, then extra.
std::vector<std::string> with(std::vector<std::string> extra) {
  extra.insert(extra.begin(), {"--workers", "1"});
  return server_args(kHtml, extra);
}

// Exactly one line, starting with "h1ref: ".
void check_one_error_line(const std::string& err) {
  INFO(err);
  CHECK(err.rfind("h1ref: ", 0) == 0);
  CHECK(err.find('\n') == err.size() - 1);
}

TEST_CASE("bad command lines exit 2 with one line on stderr", "[integration][lifecycle]") {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"--port", "99999"},
      {"--model", "nope"},
      {"--root", "/nonexistent/h1ref/root", "--port", "0"},
      {"--root", H1REF_PATH, "--port", "0"},  // a file, not a directory
      {"--access-log", "/nonexistent/dir/log", "--root", kHtml, "--port", "0"},
  };
  for (const auto& args : cases) {
    INFO(args.front() << " " << (args.size() > 1 ? args[1] : ""));
    const Finished f = run_h1ref(args);
    CHECK(f.exit.exited);
    CHECK(f.exit.status == 2);
    CHECK(f.out.empty());
    check_one_error_line(f.err);
  }
}

TEST_CASE("the --help flag prints usage and exits 0", "[integration][lifecycle]") {
  const Finished f = run_h1ref({"--help"});
  CHECK(f.exit.exited);
  CHECK(f.exit.status == 0);
  CHECK(f.out.find("--root") != std::string::npos);
  CHECK(f.out.find("--version") != std::string::npos);
}

TEST_CASE("the --version flag prints the version and git revision and exits 0",
          "[integration][lifecycle]") {
  const Finished f = run_h1ref({"--version"});
  INFO("stdout: " << f.out << "stderr: " << f.err);
  CHECK(f.exit.exited);
  CHECK(f.exit.status == 0);
  CHECK(f.err.empty());
  // The binary's own answer, against the header of the same build tree and the shape
  // cmake/version.cmake gives it.
  CHECK(f.out == std::string("h1ref ") + H1_VERSION + " (git " + H1_GIT_REVISION + ")\n");
  CHECK(std::regex_match(
      f.out,
      std::regex(R"(h1ref [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)\n)")));
  // Like --help, it wins over whatever follows.
  const Finished g = run_h1ref({"--version", "--port", "99999"});
  CHECK(g.exit.status == 0);
  CHECK(g.out == f.out);
}

TEST_CASE("a second server cannot join a running one's port", "[integration][lifecycle]") {
  ServerProcess first(server_args(kHtml, {"--workers", "2"}));
  const std::string port = std::to_string(first.port());
  const Finished second = run_h1ref({"--root", kHtml, "--port", port, "--workers", "2"});
  CHECK(second.exit.exited);
  CHECK(second.exit.status == 1);
  CHECK(second.err.find("bind") != std::string::npos);
  CHECK(second.out.empty());
}

TEST_CASE("the listening line names the real port", "[integration][lifecycle]") {
  ServerProcess server(with({}));
  CHECK(server.listening_line() ==
        "listening on http://127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE("the --quiet flag keeps stderr empty", "[integration][lifecycle]") {
  ServerProcess server(with({}));
  RawClient c(server.port());
  c.send(request("GET", "/"));
  CHECK(c.read_response().status == 200);
  const ExitInfo e = server.stop(SIGTERM);
  CHECK(e.exited);
  CHECK(server.stderr_text().empty());
}

TEST_CASE("SIGTERM and SIGINT stop the server with status 0", "[integration][lifecycle]") {
  const int sig = GENERATE(SIGTERM, SIGINT);
  ServerProcess server(with({}));
  RawClient idle(server.port());  // an idle keep-alive connection must not hold it up
  idle.send(request("GET", "/notes.txt"));
  CHECK(idle.read_response().status == 200);
  const ExitInfo e = server.stop(sig, kPatience);
  CHECK(e.exited);
  CHECK(e.status == 0);
  CHECK(idle.peer_closes(kPatience));
}

// "SIGTERM lets a response in flight finish" runs for every model, epoll included, in
// h1ref_models_test.cc.

TEST_CASE("the --max-connections flag refuses the connection beyond the limit",
          "[integration][lifecycle]") {
  const std::string model = GENERATE("epoll", "poll", "coroutine");  // the event-loop models
  INFO("model " << model);
  ServerProcess server(with({"--max-connections", "1", "--model", model}));
  RawClient first(server.port());
  first.send(request("GET", "/notes.txt"));
  REQUIRE(first.read_response().status == 200);
  RawClient second(server.port());
  CHECK(second.peer_closes(kPatience));
  first.close();
  // Once the first one is gone a new connection is served (the server needs a moment
  // to notice the close: as long as it takes, up to kPatience).
  bool served = false;
  for (auto attempt = kPatience / milliseconds(50); attempt > 0 && !served; --attempt) {
    std::this_thread::sleep_for(milliseconds(50));
    try {
      RawClient again(server.port());
      again.send(request("GET", "/notes.txt"));
      served = again.read_response().status == 200;
    } catch (const std::runtime_error&) {
    }
  }
  CHECK(served);
}

TEST_CASE("an idle keep-alive connection is closed after --idle-timeout",
          "[integration][lifecycle]") {
  ServerProcess server(with({"--idle-timeout", "0.5"}));
  RawClient c(server.port());
  c.send(request("GET", "/notes.txt"));
  CHECK(c.read_response().status == 200);
  CHECK(c.peer_closes(kPatience));  // the 0.5 s idle timeout, with room for a slow machine
}

TEST_CASE("a head that never ends is cut off after --header-timeout", "[integration][lifecycle]") {
  ServerProcess server(with({"--header-timeout", "0.5"}));
  RawClient c(server.port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n");
  const std::string answer = c.read_to_close();
  // 408 is the polite answer; a plain close is allowed too.
  CHECK((answer.empty() || answer.rfind("HTTP/1.1 408", 0) == 0));
  CHECK(server.alive());
}

TEST_CASE("the --access-log flag writes one line per response", "[integration][lifecycle]") {
  // Checked through a file: the fixture only reads stdout up to the listening line.
  char name[] = "/tmp/h1ref-access-XXXXXX";
  io::unique_fd fd(::mkstemp(name));
  REQUIRE(fd);
  {
    ServerProcess server(with({"--access-log", name}));
    RawClient c(server.port());
    c.send(request("GET", "/notes.txt") + request("GET", "/missing"));
    CHECK(c.read_response().status == 200);
    CHECK(c.read_response().status == 404);
  }
  const std::string log = file_contents(name);
  ::unlink(name);
  CHECK(log.find("GET /notes.txt 200 ") != std::string::npos);
  CHECK(log.find("GET /missing 404 ") != std::string::npos);
}

}  // namespace
}  // namespace h1::integration
