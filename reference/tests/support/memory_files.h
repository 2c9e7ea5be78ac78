// An in-memory document root for tests and fuzzers: the same contract as io::DocRoot.
//
// Test support, not part of h1ref: the unit tests and fuzz/ link it (CMake target
// h1_test_support), h1ref does not. Header-only, so that .clusterfuzzlite/build.sh, which
// compiles reference/http/, reference/core/ and fuzz/ and nothing else, builds the fuzzers
// that use it unchanged.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/files.h"

namespace h1::support {

class MemoryFiles : public core::Files {
 public:
  // Adds a file; parent directories come into being implicitly.
  void add(std::string path, std::string content, std::int64_t mtime_ns = 1'000'000'000) {
    entries_[std::move(path)] = Entry{std::move(content), mtime_ns, false};
  }
  // Marks a path as present but forbidden (stands in for an escaping symlink).
  void forbid(std::string path) { entries_[std::move(path)] = Entry{{}, 0, true}; }
  // Replaces a file's content, as if it changed on disk while open handles remain.
  void truncate(const std::string& path, std::size_t size) {
    auto it = entries_.find(path);
    if (it != entries_.end() && it->second.content.size() > size) it->second.content.resize(size);
  }

  core::OpenResult open(std::string_view relative_path) noexcept override {
    // A trailing slash names a directory, as it does for openat(2).
    std::string_view path = relative_path;
    const bool wants_dir = !path.empty() && path.back() == '/';
    if (wants_dir) path.remove_suffix(1);
    auto it = entries_.find(path);
    if (it != entries_.end() && !wants_dir) {
      if (it->second.forbidden) return {core::OpenStatus::forbidden, {}, {}};
      const core::FileInfo info{it->second.content.size(), it->second.mtime_ns, false};
      return {core::OpenStatus::ok, new_handle(&it->first), info};
    }
    if (!is_directory(path)) return {core::OpenStatus::not_found, {}, {}};
    return {core::OpenStatus::ok, new_handle(nullptr), core::FileInfo{0, 0, true}};
  }

  std::size_t read(const core::FileHandle& file, std::uint64_t offset,
                   std::span<char> dst) noexcept override {
    if (file.owner() != this || !live(file.get())) return 0;
    const std::string* key = handles_[static_cast<std::size_t>(file.get())].key;
    if (key == nullptr) return 0;  // a directory
    const std::string& content = entries_.find(*key)->second.content;
    if (offset >= content.size()) return 0;
    const std::size_t n = std::min<std::size_t>(dst.size(), content.size() - offset);
    std::memcpy(dst.data(), content.data() + offset, n);
    return n;
  }

  // Handles opened and not yet closed; tests check this returns to zero.
  [[nodiscard]] std::size_t open_count() const noexcept { return open_; }

 protected:
  // Whether id names a handle that is open.
  [[nodiscard]] bool live(core::FileHandle::Id id) const noexcept {
    return id >= 0 && static_cast<std::size_t>(id) < handles_.size() &&
           handles_[static_cast<std::size_t>(id)].live;
  }
  // Protected, not private, so that a subclass can check its handles before passing on.
  void release(core::FileHandle::Id id) noexcept override {
    if (!live(id)) return;
    handles_[static_cast<std::size_t>(id)].live = false;
    --open_;
  }

 private:
  struct Entry {
    std::string content;
    std::int64_t mtime_ns = 0;
    bool forbidden = false;
  };
  struct Handle {
    const std::string* key = nullptr;  // nullptr for a directory
    bool live = true;
  };

  [[nodiscard]] bool is_directory(std::string_view path) const {
    if (path.empty()) return true;
    for (const auto& [name, entry] : entries_) {
      if (name.size() > path.size() && name.compare(0, path.size(), path) == 0 &&
          name[path.size()] == '/') {
        return true;
      }
    }
    return false;
  }

  // Reuses a released slot first, so that steady serving allocates nothing.
  core::FileHandle new_handle(const std::string* key) {
    ++open_;
    for (std::size_t i = 0; i < handles_.size(); ++i) {
      if (!handles_[i].live) {
        handles_[i] = Handle{key, true};
        return adopt(static_cast<core::FileHandle::Id>(i));
      }
    }
    handles_.push_back(Handle{key, true});
    return adopt(static_cast<core::FileHandle::Id>(handles_.size() - 1));
  }

  std::map<std::string, Entry, std::less<>> entries_;
  std::vector<Handle> handles_;  // indexed by FileHandle::Id
  std::size_t open_ = 0;
};

}  // namespace h1::support
