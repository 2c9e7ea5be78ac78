#include "io/docroot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <string>

#include "io/unique_fd.h"
#include "temp_tree.h"

namespace h1::io {
namespace {

namespace fs = std::filesystem;
using core::OpenResult;
using core::OpenStatus;
using testing::TempTree;

// tmp/outside.txt is a secret next to the root; tmp/root is what gets served.
struct Fixture {
  TempTree tree;
  fs::path root = tree.path() / "root";
  Fixture() {
    tree.write("outside.txt", "SECRET");
    tree.write("root/file.txt", "hello");
    tree.write("root/sub/inner.txt", "inner");
    fs::create_symlink("../outside.txt", root / "link_out");
    fs::create_symlink(tree.path() / "outside.txt", root / "link_abs");
    fs::create_symlink("file.txt", root / "link_in");
    fs::create_symlink("sub", root / "link_dir_in");
    fs::create_symlink("..", root / "link_up");
    fs::create_symlink("/proc/self/root", root / "link_proc");
    REQUIRE(::mkfifo((root / "fifo").c_str(), 0600) == 0);
  }
};

// Keeps whatever handle a result holds from leaking.
struct Held {
  OpenResult r;
  explicit Held(OpenResult res) : r(res) {}
  ~Held() { unique_fd closer(r.handle); }
};

using Opener = OpenResult (*)(int, std::string_view);

OpenResult via_openat2(int root, std::string_view rel) { return open_beneath(root, rel); }
OpenResult via_walk(int root, std::string_view rel) { return open_beneath_walk(root, rel); }

std::string read_all(DocRoot& docs, core::FileHandle fd, std::uint64_t size) {
  std::string out(size, '\0');
  const std::size_t n = docs.read(fd, 0, std::span<char>(out.data(), out.size()));
  out.resize(n);
  return out;
}

TEST_CASE("both resolvers agree on files and directories and escapes", "[docroot]") {
  Fixture f;
  unique_fd root(::open(f.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(root);
  const Opener opener = GENERATE(&via_openat2, &via_walk);

  SECTION("a regular file is ok with its size") {
    Held h(opener(root.get(), "file.txt"));
    REQUIRE(h.r.status == OpenStatus::ok);
    CHECK(h.r.handle >= 0);
    CHECK(h.r.info.size == 5);
    CHECK_FALSE(h.r.info.directory);
    CHECK(h.r.info.mtime_ns > 0);
  }
  SECTION("a file in a subdirectory is ok") {
    Held h(opener(root.get(), "sub/inner.txt"));
    CHECK(h.r.status == OpenStatus::ok);
  }
  SECTION("the empty path is the root itself, a directory") {
    Held h(opener(root.get(), ""));
    REQUIRE(h.r.status == OpenStatus::ok);
    CHECK(h.r.info.directory);
  }
  SECTION("a subdirectory is reported as a directory") {
    Held h(opener(root.get(), "sub"));
    REQUIRE(h.r.status == OpenStatus::ok);
    CHECK(h.r.info.directory);
  }
  SECTION("missing files and files used as directories are not found") {
    CHECK(Held(opener(root.get(), "nope.txt")).r.status == OpenStatus::not_found);
    CHECK(Held(opener(root.get(), "nope/x")).r.status == OpenStatus::not_found);
    CHECK(Held(opener(root.get(), "file.txt/x")).r.status == OpenStatus::not_found);
  }
  SECTION("symlinks that leave the root are never ok") {
    for (const char* p : {"link_out", "link_abs", "link_up/outside.txt", "link_proc/etc/passwd"}) {
      INFO(p);
      Held h(opener(root.get(), p));
      CHECK(h.r.status != OpenStatus::ok);
      CHECK(h.r.handle == core::kNoFile);
    }
  }
  SECTION("dot-dot paths are never ok") {
    for (const char* p :
         {"../outside.txt", "sub/../../outside.txt", "..", "sub/../..", "/etc/passwd"}) {
      INFO(p);
      Held h(opener(root.get(), p));
      CHECK(h.r.status != OpenStatus::ok);
    }
  }
  SECTION("a fifo is forbidden, and opening it does not block") {
    Held h(opener(root.get(), "fifo"));
    CHECK(h.r.status == OpenStatus::forbidden);
    CHECK(h.r.handle == core::kNoFile);
  }
  SECTION("a NUL in the path is not found") {
    using namespace std::string_view_literals;
    CHECK(Held(opener(root.get(), "file.txt\0.x"sv)).r.status == OpenStatus::not_found);
  }
}

TEST_CASE("openat2 follows symlinks that stay beneath the root", "[docroot]") {
  Fixture f;
  unique_fd root(::open(f.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  bool unsupported = true;
  Held probe(open_beneath(root.get(), "", &unsupported));
  if (unsupported) {
    WARN("openat2 is unavailable here; only the walk is tested");
    return;
  }
  CHECK(Held(open_beneath(root.get(), "link_in")).r.status == OpenStatus::ok);
  CHECK(Held(open_beneath(root.get(), "link_dir_in/inner.txt")).r.status == OpenStatus::ok);
  CHECK(Held(open_beneath(root.get(), "link_out")).r.status == OpenStatus::forbidden);
  CHECK(Held(open_beneath(root.get(), "../outside.txt")).r.status == OpenStatus::forbidden);
}

TEST_CASE("the walk refuses every symlink even one that stays inside", "[docroot]") {
  Fixture f;
  unique_fd root(::open(f.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  CHECK(Held(open_beneath_walk(root.get(), "link_in")).r.status == OpenStatus::forbidden);
  CHECK(Held(open_beneath_walk(root.get(), "link_dir_in/inner.txt")).r.status ==
        OpenStatus::forbidden);
  CHECK(Held(open_beneath_walk(root.get(), "link_out")).r.status == OpenStatus::forbidden);
  CHECK(Held(open_beneath_walk(root.get(), "sub//./inner.txt")).r.status == OpenStatus::ok);
  CHECK(Held(open_beneath_walk(root.get(), "sub/")).r.info.directory);
}

TEST_CASE("DocRoot opens and reads and closes documents", "[docroot]") {
  Fixture f;
  const auto resolver = GENERATE(DocRoot::Resolver::automatic, DocRoot::Resolver::walk_only);
  auto created = DocRoot::create(f.root.string(), resolver);
  REQUIRE(created);
  DocRoot& docs = **created.value;
  if (resolver == DocRoot::Resolver::walk_only) CHECK_FALSE(docs.uses_openat2());

  const OpenResult r = docs.open("sub/inner.txt");
  REQUIRE(r.status == OpenStatus::ok);
  CHECK(read_all(docs, r.handle, r.info.size) == "inner");
  std::string tail(16, '\0');
  CHECK(docs.read(r.handle, 2, std::span<char>(tail.data(), tail.size())) == 3);
  CHECK(docs.read(r.handle, 99, std::span<char>(tail.data(), tail.size())) == 0);
  docs.close(r.handle);
  CHECK(::fcntl(r.handle, F_GETFD) == -1);  // really closed

  CHECK(docs.open("link_out").status != OpenStatus::ok);
  CHECK(docs.open("../outside.txt").status != OpenStatus::ok);
}

TEST_CASE("DocRoot::create rejects a bad root", "[docroot]") {
  TempTree tree;
  const auto file = tree.write("plain.txt", "x");
  SECTION("missing") {
    const auto r = DocRoot::create((tree.path() / "missing").string());
    REQUIRE_FALSE(r);
    CHECK(r.error.find("missing") != std::string::npos);
  }
  SECTION("not a directory") { CHECK_FALSE(DocRoot::create(file.string())); }
  SECTION("unreadable") {
    if (::geteuid() == 0) {
      WARN("running as root: permission checks do not apply");
      return;
    }
    const auto dir = tree.path() / "locked";
    fs::create_directory(dir);
    fs::permissions(dir, fs::perms::none);
    CHECK_FALSE(DocRoot::create(dir.string()));
    fs::permissions(dir, fs::perms::owner_all);
  }
}

}  // namespace
}  // namespace h1::io
