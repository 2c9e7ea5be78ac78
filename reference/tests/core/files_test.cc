// core::FileHandle: the owning handle of an open document (reference/core/files.h).
#include "core/files.h"

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tests/support/memory_files.h"

using namespace h1::core;

namespace {

// MemoryFiles that records every release, to prove each handle closes exactly once.
class RecordingFiles : public h1::support::MemoryFiles {
 public:
  std::vector<FileHandle::Id> released;

 private:
  void release(FileHandle::Id id) noexcept override {
    released.push_back(id);
    MemoryFiles::release(id);
  }
};

static_assert(!std::is_copy_constructible_v<FileHandle> && !std::is_copy_assignable_v<FileHandle>);
static_assert(std::is_nothrow_move_constructible_v<FileHandle> &&
              std::is_nothrow_move_assignable_v<FileHandle>);

}  // namespace

TEST_CASE("a FileHandle closes its file when it goes, through the Files that opened it",
          "[files]") {
  RecordingFiles files;
  files.add("a.txt", "alpha");
  {
    const OpenResult r = files.open("a.txt");
    REQUIRE(r.status == OpenStatus::ok);
    CHECK(r.handle);
    CHECK(r.handle.owner() == &files);
    CHECK(files.open_count() == 1);
    CHECK(files.released.empty());
  }
  CHECK(files.open_count() == 0);
  CHECK(files.released.size() == 1);
}

TEST_CASE("a failed open holds no handle", "[files]") {
  RecordingFiles files;
  files.forbid("secret");
  for (const char* path : {"missing", "secret"}) {
    INFO(path);
    const OpenResult r = files.open(path);
    CHECK(r.status != OpenStatus::ok);
    CHECK_FALSE(r.handle);
    CHECK(r.handle.owner() == nullptr);
    CHECK(r.handle.get() == FileHandle::kNone);
  }
  CHECK(files.released.empty());
}

TEST_CASE("moving a FileHandle moves the duty to close, which happens once", "[files]") {
  RecordingFiles files;
  files.add("a.txt", "alpha");
  files.add("b.txt", "beta");
  OpenResult a = files.open("a.txt");
  const FileHandle::Id a_id = a.handle.get();

  SECTION("construction") {
    FileHandle moved(std::move(a.handle));
    CHECK_FALSE(a.handle);  // NOLINT(bugprone-use-after-move): a moved-from handle is empty
    CHECK(moved.get() == a_id);
    CHECK(files.released.empty());
    moved.reset();
    CHECK(files.released == std::vector<FileHandle::Id>{a_id});
    moved.reset();  // empty now: nothing more to close
    CHECK(files.released.size() == 1);
  }
  SECTION("assignment closes the file held before") {
    OpenResult b = files.open("b.txt");
    const FileHandle::Id b_id = b.handle.get();
    b.handle = std::move(a.handle);
    CHECK(files.released == std::vector<FileHandle::Id>{b_id});
    CHECK(b.handle.get() == a_id);
    CHECK(files.open_count() == 1);
  }
  SECTION("self-assignment keeps the file") {
    FileHandle& same = a.handle;
    a.handle = std::move(same);
    CHECK(a.handle.get() == a_id);
    CHECK(files.released.empty());
  }
  SECTION("in a vector, as a connection's segments hold them") {
    std::vector<FileHandle> held;
    held.reserve(1);
    held.push_back(std::move(a.handle));
    held.push_back(files.open("b.txt").handle);  // grows: the handles move, none closes
    CHECK(files.released.empty());
    held.clear();
    CHECK(files.released.size() == 2);
  }
  a.handle.reset();
  CHECK(files.open_count() == 0);
}
