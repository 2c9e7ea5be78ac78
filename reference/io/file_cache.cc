#include "io/file_cache.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace h1::io {

struct FileCache::Entry {
  std::string path;
  core::OpenResult opened{};        // handle: the inner handle, shared by every user
  std::unique_ptr<char[]> content;  // the whole file when it is small; else null
  core::TimePoint expires{};
  std::size_t users = 0;  // handles given out and not yet closed
  bool listed = true;     // still found by path
};

FileCache::FileCache(core::Files& inner, Options options) noexcept
    : inner_(&inner), options_(options) {}

FileCache::~FileCache() {
  for (auto& [handle, entry] : by_handle_) inner_->close(handle);
}

void FileCache::tick(core::TimePoint now) noexcept {
  now_ = now;
  if (options_.ttl.count() > 0 && now >= next_sweep_) {
    next_sweep_ = now + options_.ttl;
    sweep();
  }
}

core::OpenResult FileCache::open(std::string_view relative_path) noexcept {
  if (options_.ttl.count() <= 0) return inner_->open(relative_path);
  if (const auto it = by_path_.find(relative_path); it != by_path_.end()) {
    Entry& e = *it->second;
    if (now_ < e.expires) {
      ++e.users;
      ++stats_.hits;
      return e.opened;
    }
    unlist(e);
  }
  ++stats_.misses;
  const core::OpenResult opened = inner_->open(relative_path);
  if (opened.status != core::OpenStatus::ok) return opened;  // misses are never kept
  return remember(relative_path, opened);
}

core::OpenResult FileCache::remember(std::string_view path,
                                     const core::OpenResult& opened) noexcept {
  if (by_path_.size() >= options_.max_entries) sweep();
  if (by_path_.size() >= options_.max_entries || by_handle_.contains(opened.handle)) {
    return opened;  // not kept: the caller's close() passes it through
  }
  const std::uint64_t size = opened.info.size;
  try {
    auto e = std::make_unique<Entry>();
    if (!opened.info.directory && size <= options_.max_content) {
      e->content = std::make_unique_for_overwrite<char[]>(std::max<std::uint64_t>(size, 1));
      std::size_t got = 0;
      while (got < size) {
        const std::size_t n =
            inner_->read(opened.handle, got, std::span<char>(e->content.get() + got, size - got));
        if (n == 0) break;
        got += n;
      }
      if (got != size) return opened;  // it changed under us: serve it, keep nothing
    }
    e->path.assign(path);
    e->opened = opened;
    e->expires = now_ + options_.ttl;
    e->users = 1;
    Entry* raw = e.get();
    by_handle_.emplace(opened.handle, std::move(e));
    try {
      by_path_.emplace(raw->path, raw);
    } catch (const std::bad_alloc&) {
      by_handle_.erase(opened.handle);
      return opened;
    }
  } catch (const std::bad_alloc&) {
    return opened;
  }
  return opened;
}

std::size_t FileCache::read(core::FileHandle file, std::uint64_t offset,
                            std::span<char> dst) noexcept {
  if (const auto it = by_handle_.find(file); it != by_handle_.end() && it->second->content) {
    const std::uint64_t size = it->second->opened.info.size;
    if (offset >= size) return 0;
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(dst.size(), size - offset));
    std::memcpy(dst.data(), it->second->content.get() + offset, n);
    return n;
  }
  return inner_->read(file, offset, dst);
}

void FileCache::close(core::FileHandle file) noexcept {
  const auto it = by_handle_.find(file);
  if (it == by_handle_.end()) {
    inner_->close(file);
    return;
  }
  Entry& e = *it->second;
  if (e.users > 0) --e.users;
  if (e.users == 0 && !e.listed) release(e);
}

void FileCache::unlist(Entry& e) noexcept {
  by_path_.erase(e.path);
  e.listed = false;
  if (e.users == 0) release(e);
}

void FileCache::release(Entry& e) noexcept {
  const core::FileHandle handle = e.opened.handle;
  inner_->close(handle);
  by_handle_.erase(handle);  // destroys e
}

void FileCache::sweep() noexcept {
  for (auto it = by_path_.begin(); it != by_path_.end();) {
    Entry& e = *it->second;
    if (now_ < e.expires) {
      ++it;
      continue;
    }
    it = by_path_.erase(it);
    e.listed = false;
    if (e.users == 0) release(e);
  }
}

}  // namespace h1::io
