#include "origin/docroot_reply.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

using namespace h1spec;
using namespace h1spec::origin;

namespace {

Request req(const std::string& method, const std::string& target) {
  Request r;
  r.method = method;
  r.target = target;
  r.version = "HTTP/1.1";
  return r;
}

// A docroot of its own (per process: ctest runs test cases in parallel), removed again: one
// file, and a secret beside (not under) it.
struct Root {
  std::filesystem::path base = std::filesystem::temp_directory_path() /
                               ("h1spec-docroot-reply-test-" + std::to_string(::getpid()));
  std::string root = (base / "root").string();
  Root() {
    std::filesystem::create_directories(base / "root" / "sub");
    std::ofstream(base / "root" / "index.html") << "<p>hi</p>";
    std::ofstream(base / "root" / "sub" / "a.txt") << "abc";
    std::ofstream(base / "secret.txt") << "no";
  }
  ~Root() {
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
  }
  Root(const Root&) = delete;
  Root& operator=(const Root&) = delete;
};

}  // namespace

TEST_CASE("docroot_reply serves GET and HEAD of files with an exact Content-Length", "[origin]") {
  const Root dir;
  const std::string& root = dir.root;
  CHECK(docroot_reply(root, req("GET", "/index.html")) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>hi</p>");
  CHECK(docroot_reply(root, req("GET", "/?q=1")) == docroot_reply(root, req("GET", "/index.html")));
  CHECK(docroot_reply(root, req("HEAD", "/sub/a.txt")) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n");
}

TEST_CASE("docroot_reply never leaves the root and refuses other methods", "[origin]") {
  const Root dir;
  const std::string& root = dir.root;
  for (const char* t : {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                        "/sub\\a.txt", "/missing", "/sub", "*", "http://h/index.html"}) {
    INFO(t);
    CHECK(docroot_reply(root, req("GET", t)).starts_with("HTTP/1.1 404 Not Found\r\n"));
  }
  CHECK(docroot_reply(root, req("POST", "/index.html"))
            .starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  const std::string head404 = docroot_reply(root, req("HEAD", "/missing"));
  CHECK(head404.ends_with("\r\n\r\n"));
}
