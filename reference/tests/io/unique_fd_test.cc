#include "io/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <type_traits>

namespace h1::io {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

static_assert(!std::is_copy_constructible_v<unique_fd>);
static_assert(!std::is_copy_assignable_v<unique_fd>);
static_assert(std::is_nothrow_move_constructible_v<unique_fd>);

TEST_CASE("unique_fd closes what it owns", "[unique_fd]") {
  int raw = -1;
  {
    unique_fd fd(open_null());
    raw = fd.get();
    REQUIRE(fd);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));
}

TEST_CASE("unique_fd default is empty", "[unique_fd]") {
  unique_fd fd;
  CHECK_FALSE(fd);
  CHECK(fd.get() == -1);
  fd.reset();  // closing nothing is fine
}

TEST_CASE("unique_fd moves ownership", "[unique_fd]") {
  unique_fd a(open_null());
  const int raw = a.get();
  unique_fd b(std::move(a));
  CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  CHECK(b.get() == raw);

  unique_fd c(open_null());
  const int other = c.get();
  c = std::move(b);
  CHECK(c.get() == raw);
  CHECK_FALSE(is_open(other));  // the overwritten descriptor was closed
  CHECK(is_open(raw));
}

TEST_CASE("unique_fd release and reset", "[unique_fd]") {
  unique_fd a(open_null());
  const int raw = a.release();
  CHECK_FALSE(a);
  CHECK(is_open(raw));
  a.reset(raw);
  CHECK(a.get() == raw);
  const int next = open_null();
  a.reset(next);
  CHECK_FALSE(is_open(raw));
  CHECK(a.get() == next);
  a.reset(next);  // resetting to the same descriptor must not close it
  CHECK(is_open(next));
}

}  // namespace
}  // namespace h1::io
