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

using Opener = Beneath (*)(int, std::string_view);

Beneath via_openat2(int root, std::string_view rel) { return open_beneath(root, rel); }
Beneath via_walk(int root, std::string_view rel) { return open_beneath_walk(root, rel); }

std::string read_all(DocRoot& docs, const core::FileHandle& fd, std::uint64_t size) {
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
    const Beneath b = opener(root.get(), "file.txt");
    REQUIRE(b.status == OpenStatus::ok);
    CHECK(b.fd);
    CHECK(b.info.size == 5);
    CHECK_FALSE(b.info.directory);
    CHECK(b.info.mtime_ns > 0);
  }
  SECTION("a file in a subdirectory is ok") {
    CHECK(opener(root.get(), "sub/inner.txt").status == OpenStatus::ok);
  }
  SECTION("the empty path is the root itself, a directory") {
    const Beneath b = opener(root.get(), "");
    REQUIRE(b.status == OpenStatus::ok);
    CHECK(b.info.directory);
  }
  SECTION("a subdirectory is reported as a directory") {
    const Beneath b = opener(root.get(), "sub");
    REQUIRE(b.status == OpenStatus::ok);
    CHECK(b.info.directory);
  }
  SECTION("missing files and files used as directories are not found") {
    CHECK(opener(root.get(), "nope.txt").status == OpenStatus::not_found);
    CHECK(opener(root.get(), "nope/x").status == OpenStatus::not_found);
    CHECK(opener(root.get(), "file.txt/x").status == OpenStatus::not_found);
  }
  SECTION("symlinks that leave the root are never ok") {
    for (const char* p : {"link_out", "link_abs", "link_up/outside.txt", "link_proc/etc/passwd"}) {
      INFO(p);
      const Beneath b = opener(root.get(), p);
      CHECK(b.status != OpenStatus::ok);
      CHECK_FALSE(b.fd);
    }
  }
  SECTION("dot-dot paths are never ok") {
    for (const char* p :
         {"../outside.txt", "sub/../../outside.txt", "..", "sub/../..", "/etc/passwd"}) {
      INFO(p);
      CHECK(opener(root.get(), p).status != OpenStatus::ok);
    }
  }
  SECTION("a fifo is forbidden, and opening it does not block") {
    const Beneath b = opener(root.get(), "fifo");
    CHECK(b.status == OpenStatus::forbidden);
    CHECK_FALSE(b.fd);
  }
  SECTION("a NUL in the path is not found") {
    using namespace std::string_view_literals;
    CHECK(opener(root.get(), "file.txt\0.x"sv).status == OpenStatus::not_found);
  }
}

TEST_CASE("openat2 follows symlinks that stay beneath the root", "[docroot]") {
  Fixture f;
  unique_fd root(::open(f.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  bool unsupported = true;
  (void)open_beneath(root.get(), "", &unsupported);
  if (unsupported) {
    WARN("openat2 is unavailable here; only the walk is tested");
    return;
  }
  CHECK(open_beneath(root.get(), "link_in").status == OpenStatus::ok);
  CHECK(open_beneath(root.get(), "link_dir_in/inner.txt").status == OpenStatus::ok);
  CHECK(open_beneath(root.get(), "link_out").status == OpenStatus::forbidden);
  CHECK(open_beneath(root.get(), "../outside.txt").status == OpenStatus::forbidden);
}

TEST_CASE("the walk refuses every symlink even one that stays inside", "[docroot]") {
  Fixture f;
  unique_fd root(::open(f.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  CHECK(open_beneath_walk(root.get(), "link_in").status == OpenStatus::forbidden);
  CHECK(open_beneath_walk(root.get(), "link_dir_in/inner.txt").status == OpenStatus::forbidden);
  CHECK(open_beneath_walk(root.get(), "link_out").status == OpenStatus::forbidden);
  CHECK(open_beneath_walk(root.get(), "sub//./inner.txt").status == OpenStatus::ok);
  CHECK(open_beneath_walk(root.get(), "sub/").info.directory);
}

TEST_CASE("DocRoot opens and reads and closes documents", "[docroot]") {
  Fixture f;
  const auto resolver = GENERATE(DocRoot::Resolver::automatic, DocRoot::Resolver::walk_only);
  auto created = DocRoot::create(f.root.string(), resolver);
  REQUIRE(created);
  DocRoot& docs = **created.value;
  if (resolver == DocRoot::Resolver::walk_only) CHECK_FALSE(docs.uses_openat2());

  OpenResult r = docs.open("sub/inner.txt");
  REQUIRE(r.status == OpenStatus::ok);
  CHECK(r.handle.owner() == &docs);
  const int fd = r.handle.get();
  CHECK(::fcntl(fd, F_GETFD) != -1);  // the id is the descriptor
  CHECK(read_all(docs, r.handle, r.info.size) == "inner");
  std::string tail(16, '\0');
  CHECK(docs.read(r.handle, 2, std::span<char>(tail.data(), tail.size())) == 3);
  CHECK(docs.read(r.handle, 99, std::span<char>(tail.data(), tail.size())) == 0);
  SECTION("the handle closes the descriptor when it goes") {
    { const OpenResult gone = std::move(r); }
    CHECK_FALSE(r.handle);  // NOLINT(bugprone-use-after-move): moved-from handles are empty
    CHECK(::fcntl(fd, F_GETFD) == -1);  // really closed
  }
  SECTION("reset closes it at once, and only once") {
    r.handle.reset();
    CHECK(::fcntl(fd, F_GETFD) == -1);
    r.handle.reset();  // empty: nothing left to close
    CHECK_FALSE(r.handle);
  }

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
