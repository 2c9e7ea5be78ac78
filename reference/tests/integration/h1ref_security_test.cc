// h1ref must never serve a byte from outside its root, whatever the request says.
#include <catch2/catch.hpp>
#include <cstdio>
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
    // A directory outside, reached through a symlinked directory inside.
    fs::create_directories(dir_ / "outside");
    std::ofstream(dir_ / "outside" / "secret.txt") << kSecret;
    fs::create_symlink("../outside", root_ / "out_dir");
    fs::create_symlink(dir_ / "outside", root_ / "out_dir_abs");
    fs::create_symlink("sub", root_ / "sub_alias");
    // Dotfiles, a directory without an index, and a directory whose name holds CR LF.
    fs::create_directories(root_ / ".git");
    std::ofstream(root_ / ".git" / "config") << kSecret;
    std::ofstream(root_ / ".env") << kSecret;
    std::ofstream(root_ / "sub" / ".hidden") << kSecret;
    fs::create_directories(root_ / "nolist");
    std::ofstream(root_ / "nolist" / "listed-name.txt") << "x";
    fs::create_directories(root_ / "inj\r\nSet-Cookie: h1=1");
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
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
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
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
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

// Status code of a response, or 0.
int status_of(const std::string& answer) {
  if (answer.size() < 12 || answer.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::atoi(answer.substr(9, 3).c_str());
}

TEST_CASE("symlinked directories that lead out are refused", "[integration][security]") {
  Jail jail;
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
  for (const char* target : {"/out_dir/secret.txt", "/out_dir_abs/secret.txt", "/out_dir/",
                             "/out_dir", "/sub_alias/../out_dir/secret.txt"}) {
    INFO(target);
    const std::string answer = exchange(server.port(), get_closing(target));
    CHECK(answer.find(kSecret) == std::string::npos);
    CHECK(status_of(answer) >= 300);
  }
  // A symlinked directory that stays inside may be served (openat2) or refused (the walk),
  // never anything else.
  const int alias = status_of(exchange(server.port(), get_closing("/sub_alias/ok.txt")));
  CHECK((alias == 200 || alias == 404 || alias == 403));
  CHECK(server.alive());
}

TEST_CASE("dotfiles are 404, however the dot is spelled", "[integration][security]") {
  Jail jail;
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
  for (const char* target :
       {"/.git/config", "/.git/", "/.git", "/.env", "/sub/.hidden", "/%2egit/config", "/%2Eenv",
        "/sub/%2ehidden", "/sub/../.env", "/.git/../.env"}) {
    INFO(target);
    const std::string answer = exchange(server.port(), get_closing(target));
    CHECK(answer.find(kSecret) == std::string::npos);
    // 404 for a dotfile; 400 where the spelling itself is refused.
    const int status = status_of(answer);
    CHECK((status == 404 || status == 400));
  }
}

TEST_CASE("a directory without an index is never listed", "[integration][security]") {
  Jail jail;
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
  for (const char* target : {"/nolist/", "/nolist", "/nolist/?C=N;O=D"}) {
    INFO(target);
    const std::string answer = exchange(server.port(), get_closing(target));
    CHECK(answer.find("listed-name.txt") == std::string::npos);
    CHECK(status_of(answer) != 200);
  }
}

// Every header line of a response ends in CRLF, and none was injected.
void check_head_is_clean(const std::string& answer) {
  const std::size_t end = answer.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  const std::string head = answer.substr(0, end + 2);
  std::size_t pos = 0;
  while (pos < head.size()) {
    const std::size_t crlf = head.find("\r\n", pos);
    REQUIRE(crlf != std::string::npos);
    const std::string line = head.substr(pos, crlf - pos);
    INFO("header line: " << line);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\0') == std::string::npos);
    CHECK(line.rfind("Set-Cookie", 0) != 0);
    CHECK(line.rfind("X-Injected", 0) != 0);
    pos = crlf + 2;
  }
}

TEST_CASE("no request byte reaches a response header unescaped", "[integration][security]") {
  Jail jail;
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
  // The directory "inj\r\nSet-Cookie: h1=1" exists: a server that decodes the target and
  // redirects to the directory with its slash would write the CR LF into Location.
  const std::vector<std::string> targets = {
      "/inj%0d%0aSet-Cookie:%20h1=1",
      "/inj%0D%0ASet-Cookie:%20h1=1",
      "/sub%0d%0aX-Injected:%201",
      "/sub?%0d%0aX-Injected:%201",
      "/sub?x=%0aX-Injected:%201",
      "/sub#%0d%0aX-Injected:%201",
      "/%0d%0aX-Injected:%201",
      "/sub%00%0d%0aX-Injected:%201",
      "/%E5%98%8A%E5%98%8DX-Injected:%201",  // U+560A U+560D, which some servers fold to CR LF
      "/sub%u000d%u000aX-Injected:%201",
  };
  for (const std::string& t : targets) {
    INFO(t);
    const std::string answer = exchange(server.port(), get_closing(t));
    REQUIRE(status_of(answer) != 0);
    check_head_is_clean(answer);
  }
  // A redirect does echo the path: it must stay as sent, percent-encoded.
  const std::string redirect = exchange(server.port(), get_closing("/sub?q=%0d%0a"));
  CHECK(status_of(redirect) == 301);
  check_head_is_clean(redirect);
  CHECK(server.alive());
}

TEST_CASE("h1ref binds 127.0.0.1 unless --host says otherwise", "[integration][security]") {
  Jail jail;
  ServerProcess server(server_args(jail.root(), {"--workers", "1"}));
  CHECK(server.listening_line().find("http://127.0.0.1:") != std::string::npos);
  // The listening socket itself, as the kernel reports it: local address 127.0.0.1.
  std::ifstream tcp("/proc/" + std::to_string(server.pid()) + "/net/tcp");
  REQUIRE(tcp);
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", server.port());
  bool loopback_listener = false;
  bool other_listener = false;
  for (std::string line; std::getline(tcp, line);) {
    std::string local = ":";  // built by appending: GCC 12's -Wrestrict misfires on ":" + s
    local += port_hex;
    local += ' ';
    const std::size_t at = line.find(local);
    if (at == std::string::npos || line.find(" 0A ") == std::string::npos) continue;
    const std::string address = line.substr(at - 8, 8);
    (address == "0100007F" ? loopback_listener : other_listener) = true;
  }
  CHECK(loopback_listener);
  CHECK_FALSE(other_listener);
}

}  // namespace
}  // namespace h1::integration
