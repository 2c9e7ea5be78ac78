#include "core/memory_files.h"

#include <algorithm>
#include <cstring>

namespace h1::core {

void MemoryFiles::add(std::string path, std::string content, std::int64_t mtime_ns) {
  entries_[std::move(path)] = Entry{std::move(content), mtime_ns, false};
}

void MemoryFiles::forbid(std::string path) { entries_[std::move(path)] = Entry{{}, 0, true}; }

void MemoryFiles::truncate(const std::string& path, std::size_t size) {
  auto it = entries_.find(path);
  if (it != entries_.end() && it->second.content.size() > size) it->second.content.resize(size);
}

bool MemoryFiles::is_directory(std::string_view path) const {
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
FileHandle MemoryFiles::new_handle(const std::string* key) {
  ++open_;
  for (std::size_t i = 0; i < handles_.size(); ++i) {
    if (!handles_[i].live) {
      handles_[i] = Handle{key, true};
      return static_cast<FileHandle>(i);
    }
  }
  handles_.push_back(Handle{key, true});
  return static_cast<FileHandle>(handles_.size() - 1);
}

OpenResult MemoryFiles::open(std::string_view relative_path) noexcept {
  // A trailing slash names a directory, as it does for openat(2).
  std::string_view path = relative_path;
  const bool wants_dir = !path.empty() && path.back() == '/';
  if (wants_dir) path.remove_suffix(1);
  auto it = entries_.find(path);
  if (it != entries_.end() && !wants_dir) {
    if (it->second.forbidden) return {OpenStatus::forbidden, kNoFile, {}};
    const FileInfo info{it->second.content.size(), it->second.mtime_ns, false};
    return {OpenStatus::ok, new_handle(&it->first), info};
  }
  if (!is_directory(path)) return {OpenStatus::not_found, kNoFile, {}};
  return {OpenStatus::ok, new_handle(nullptr), FileInfo{0, 0, true}};
}

std::size_t MemoryFiles::read(FileHandle file, std::uint64_t offset, std::span<char> dst) noexcept {
  if (file < 0 || static_cast<std::size_t>(file) >= handles_.size()) return 0;
  const Handle& h = handles_[static_cast<std::size_t>(file)];
  if (!h.live || h.key == nullptr) return 0;
  const std::string* key = h.key;
  const std::string& content = entries_.find(*key)->second.content;
  if (offset >= content.size()) return 0;
  const std::size_t n = std::min<std::size_t>(dst.size(), content.size() - offset);
  std::memcpy(dst.data(), content.data() + offset, n);
  return n;
}

void MemoryFiles::close(FileHandle file) noexcept {
  if (file < 0 || static_cast<std::size_t>(file) >= handles_.size()) return;
  Handle& h = handles_[static_cast<std::size_t>(file)];
  if (!h.live) return;
  h.live = false;
  --open_;
}

}  // namespace h1::core
