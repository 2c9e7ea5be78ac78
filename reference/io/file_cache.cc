#include "io/file_cache.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace h1::io {

struct FileCache::Entry {
  std::string path;
  core::OpenResult opened{};        // handle: the inner one, shared by every user; closes with e
  std::unique_ptr<char[]> content;  // the whole file when it is small; else null
  core::TimePoint expires{};
  std::size_t users = 0;  // handles given out and not yet gone
  bool listed = true;     // still found by path
};

FileCache::FileCache(core::Files& inner, Options options) noexcept
    : inner_(&inner), options_(options) {}

// by_handle_ goes with the cache, and each entry's inner handle with it.
FileCache::~FileCache() = default;

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
      ++stats_.hits;
      return share(e);
    }
    unlist(e);
  }
  ++stats_.misses;
  core::OpenResult opened = inner_->open(relative_path);
  if (opened.status != core::OpenStatus::ok) return opened;  // misses are never kept
  return remember(relative_path, std::move(opened));
}

// One more user of e: a handle of the cache's own, named by the inner id.
core::OpenResult FileCache::share(Entry& e) noexcept {
  ++e.users;
  return {core::OpenStatus::ok, adopt(e.opened.handle.get()), e.opened.info};
}

core::OpenResult FileCache::remember(std::string_view path, core::OpenResult opened) noexcept {
  if (by_path_.size() >= options_.max_entries) sweep();
  const core::FileHandle::Id id = opened.handle.get();
  if (by_path_.size() >= options_.max_entries || by_handle_.contains(id)) {
    return opened;  // not kept: the caller holds the inner handle itself
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
    e->expires = now_ + options_.ttl;
    Entry* raw = e.get();
    by_handle_.emplace(id, std::move(e));
    try {
      by_path_.emplace(raw->path, raw);
    } catch (const std::bad_alloc&) {
      by_handle_.erase(id);
      return opened;
    }
    raw->opened = std::move(opened);
    return share(*raw);
  } catch (const std::bad_alloc&) {
    return opened;
  }
}

std::size_t FileCache::read(const core::FileHandle& file, std::uint64_t offset,
                            std::span<char> dst) noexcept {
  if (file.owner() != this) return inner_->read(file, offset, dst);  // not kept
  const auto it = by_handle_.find(file.get());
  if (it == by_handle_.end()) return 0;
  const Entry& e = *it->second;
  if (!e.content) return inner_->read(e.opened.handle, offset, dst);
  const std::uint64_t size = e.opened.info.size;
  if (offset >= size) return 0;
  const std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>(dst.size(), size - offset));
  std::memcpy(dst.data(), e.content.get() + offset, n);
  return n;
}

void FileCache::release(core::FileHandle::Id id) noexcept {
  const auto it = by_handle_.find(id);
  if (it == by_handle_.end()) return;
  Entry& e = *it->second;
  if (e.users > 0) --e.users;
  if (e.users == 0 && !e.listed) drop(e);
}

void FileCache::unlist(Entry& e) noexcept {
  by_path_.erase(e.path);
  e.listed = false;
  if (e.users == 0) drop(e);
}

// Destroys e, and with it the inner handle.
void FileCache::drop(Entry& e) noexcept { by_handle_.erase(e.opened.handle.get()); }

void FileCache::sweep() noexcept {
  for (auto it = by_path_.begin(); it != by_path_.end();) {
    Entry& e = *it->second;
    if (now_ < e.expires) {
      ++it;
      continue;
    }
    it = by_path_.erase(it);
    e.listed = false;
    if (e.users == 0) drop(e);
  }
}

}  // namespace h1::io
