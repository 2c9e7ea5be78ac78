// h1ref must never serve a byte from outside its root, whatever the request says.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "raw_client.h"
#include "server_process.h"

namespace h1::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecret = "TOPSECRET-outside-the-root";

// tmp/secret.txt (outside) and tmp/root (served), with symlinks that point out.
class Jail {
 public:
  Jail() {
    std::string tmpl = (fs::temp_directory_path() / "h1ref-jail-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    root_ = dir_ / "root";
    fs::create_directories(root_ / "sub");
    std::ofstream(dir_ / "secret.txt") << kSecret;
    std::ofstream(root_ / "index.html") << "inside";
    std::ofstream(root_ / "sub" / "ok.txt") << "ok";
    fs::create_symlink("../secret.txt", root_ / "rel_link");
    fs::create_symlink(dir_ / "secret.txt", root_ / "abs_link");
    fs::create_symlink("..", root_ / "up");
    fs::create_symlink("sub/ok.txt", root_ / "inner_link");
  }
  ~Jail() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  [[nodiscard]] std::string root() const { return root_.string(); }

 private:
  fs::path dir_;
  fs::path root_;
};

// Sends raw bytes on a fresh connection and returns everything the server sends back.
std::string exchange(std::uint16_t port, const std::string& bytes) {
  RawClient c(port);
  c.send(bytes);
  return c.read_to_close();
}

std::string get_closing(std::string_view target) {
  return request("GET", target, "Connection: close\r\n");
}

TEST_CASE("symlinks out of the root are refused", "[integration][security]") {
  Jail jail;
  ServerProcess server({"--root", jail.root(), "--port", "0", "--workers", "1", "--quiet"});
  for (const char* target : {"/rel_link", "/abs_link", "/up/secret.txt", "/up/root/index.html"}) {
    INFO(target);
    const std::string answer = exchange(server.port(), get_closing(target));
    CHECK(answer.find(kSecret) == std::string::npos);
    const bool refused =
        answer.rfind("HTTP/1.1 404", 0) == 0 || answer.rfind("HTTP/1.1 403", 0) == 0;
    CHECK(refused);
  }
  // A symlink that stays inside may be served (openat2) or refused (the fallback walk).
  const std::string inner = exchange(server.port(), get_closing("/inner_link"));
  CHECK(inner.find(kSecret) == std::string::npos);
  CHECK(server.alive());
}

TEST_CASE("traversal spellings never reach outside the root", "[integration][security]") {
  Jail jail;
  ServerProcess server({"--root", jail.root(), "--port", "0", "--workers", "1", "--quiet"});
  const std::vector<std::string> targets = {
      "/../secret.txt",
      "/sub/../../secret.txt",
      "/./../secret.txt",
      "//../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/sub/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/sub/..%2f..%2fsecret.txt",
      "/..\\secret.txt",
      "/sub\\..\\..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/..%5csecret.txt",
      "/secret.txt%00",
      "/..%00/secret.txt",
      "/%00../secret.txt",
      "/sub/ok.txt%00/../../../secret.txt",
      "/%252e%252e/secret.txt",
      "/..;/secret.txt",
      "/..%c0%afsecret.txt",
      "/%c0%ae%c0%ae/secret.txt",
      "../secret.txt",
      "http://localhost/../secret.txt",
      "http://localhost/%2e%2e/secret.txt",
  };
  for (const std::string& t : targets) {
    INFO(t);
    const std::string answer = exchange(server.port(), get_closing(t));
    CHECK(answer.find(kSecret) == std::string::npos);
    CHECK(answer.rfind("HTTP/1.1 200", 0) != 0);
  }
  // A traversal inside the root that lands inside is fine and must still work.
  const std::string ok = exchange(server.port(), get_closing("/sub/../sub/ok.txt"));
  CHECK(ok.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(server.alive());
}

}  // namespace
}  // namespace h1::integration
