// A per-worker cache in front of a document root: open descriptors, their metadata and the
// bytes of small files, each kept for at most `ttl` after it was opened.
//
// A hit costs no system call: no openat2, no fstat, no close, and no pread for a small
// file. The price is staleness bounded by the ttl, as with lighttpd's "simple" stat cache
// or nginx's open_file_cache: a file changed, replaced or deleted is served as it was for
// at most ttl. Everything served is self-consistent (length, validators and bytes come
// from the same open), only misses and successes are kept (a new file appears at once),
// and a large file is still read from its descriptor, so a file that shrinks while it is
// sent ends the response early as without the cache. One cache per event loop: it is not
// thread-safe, and a loop needs no lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/config.h"
#include "core/files.h"

namespace h1::io {

class FileCache final : public core::Files {
 public:
  struct Options {
    std::chrono::milliseconds ttl{1000};  ///< 0 turns the cache off (every call passes through)
    std::size_t max_entries = 256;        ///< paths held at once; further misses pass through
    std::size_t max_content = 16'384;     ///< files up to this size are kept in memory
  };
  struct Stats {
    std::size_t hits = 0;
    std::size_t misses = 0;
  };

  FileCache(core::Files& inner, Options options) noexcept;
  // Closes every descriptor it holds; the handles it gave out must be gone already.
  ~FileCache() override;
  FileCache(const FileCache&) = delete;
  FileCache& operator=(const FileCache&) = delete;

  // The loop's clock, once per turn: entries expire against it, and the expired ones
  // nobody uses are closed (at most once per ttl, so that a turn stays cheap).
  void tick(core::TimePoint now) noexcept;

  // A kept file's handle is the cache's own, a shared reference to the entry; a file that is
  // not kept (ttl 0, the cache full, a failed copy) comes back with the inner handle itself,
  // which closes straight through the inner Files.
  [[nodiscard]] core::OpenResult open(std::string_view relative_path) noexcept override;
  [[nodiscard]] std::size_t read(const core::FileHandle& file, std::uint64_t offset,
                                 std::span<char> dst) noexcept override;

  [[nodiscard]] Stats stats() const noexcept { return stats_; }
  // Descriptors the cache holds open (listed or still in use).
  [[nodiscard]] std::size_t held() const noexcept { return by_handle_.size(); }

 private:
  struct Entry;
  struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  // A user's handle to a kept entry ends: the entry goes with its last user once unlisted.
  void release(core::FileHandle::Id id) noexcept override;
  core::OpenResult remember(std::string_view path, core::OpenResult opened) noexcept;
  [[nodiscard]] core::OpenResult share(Entry& e) noexcept;
  void unlist(Entry& e) noexcept;
  void drop(Entry& e) noexcept;
  void sweep() noexcept;

  core::Files* inner_;
  Options options_;
  core::TimePoint now_{};
  core::TimePoint next_sweep_{};
  Stats stats_{};
  std::unordered_map<std::string, Entry*, PathHash, std::equal_to<>> by_path_;
  std::unordered_map<core::FileHandle::Id, std::unique_ptr<Entry>> by_handle_;  // by inner id
};

}  // namespace h1::io
