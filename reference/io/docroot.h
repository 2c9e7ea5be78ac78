// Documents beneath a root directory. Every lookup is resolved by the kernel relative to
// the root's descriptor, so no URL can name a file outside it: openat2 with
// RESOLVE_BENEATH where available, else a component-by-component walk that refuses ".."
// and every symlink.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/files.h"
#include "io/setup_result.h"
#include "io/unique_fd.h"

namespace h1::io {

// What the resolvers below found: an open descriptor (owned) exactly when status is ok.
// DocRoot::open turns it into a core::OpenResult whose handle closes through the DocRoot.
struct Beneath {
  core::OpenStatus status = core::OpenStatus::not_found;
  unique_fd fd;
  core::FileInfo info{};
};

// Opens rel beneath root_fd with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS).
// Symlinks are followed only while they stay beneath the root. Sets *unsupported (if
// given) when the call failed with ENOSYS (old kernel) or EPERM (a seccomp filter).
[[nodiscard]] Beneath open_beneath(int root_fd, std::string_view rel,
                                   bool* unsupported = nullptr) noexcept;

// The fallback: opens rel beneath root_fd one component at a time with O_NOFOLLOW,
// refusing "..", absolute paths and any symlink, even one that stays inside.
[[nodiscard]] Beneath open_beneath_walk(int root_fd, std::string_view rel) noexcept;

class DocRoot final : public core::Files {
 public:
  enum class Resolver : std::uint8_t { automatic, walk_only };

  // Opens the root directory; fails with a message if it is missing, not a directory or
  // not readable. `automatic` probes openat2 once and falls back to the walk without it.
  static SetupResult<std::unique_ptr<DocRoot>> create(const std::string& path,
                                                      Resolver resolver = Resolver::automatic);

  // See core::Files. Only regular files and directories are ever ok; thread-safe. A
  // handle's id is its descriptor (the models sendfile from it).
  [[nodiscard]] core::OpenResult open(std::string_view relative_path) noexcept override;
  // pread: safe to share one handle between threads, no file position involved.
  [[nodiscard]] std::size_t read(const core::FileHandle& file, std::uint64_t offset,
                                 std::span<char> dst) noexcept override;

  // Whether lookups use openat2 (false: the checked walk).
  [[nodiscard]] bool uses_openat2() const noexcept { return use_openat2_; }

 private:
  DocRoot(unique_fd root, bool use_openat2) noexcept
      : root_(std::move(root)), use_openat2_(use_openat2) {}

  // Closes the descriptor with unique_fd.
  void release(core::FileHandle::Id fd) noexcept override;

  unique_fd root_;  // O_PATH | O_DIRECTORY
  bool use_openat2_;
};

}  // namespace h1::io
