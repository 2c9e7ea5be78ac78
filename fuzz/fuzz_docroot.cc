#include "fuzz_docroot.h"

#include "fuzz_check.h"

namespace h1::fuzz {

namespace {

char doc_byte(std::size_t doc, std::size_t offset) {
  return static_cast<char>('a' + (offset * 7 + doc * 13 + offset / 26) % 26);
}

std::int64_t doc_mtime_ns(std::size_t doc) {
  return (1'600'000'000 + 86'401 * static_cast<std::int64_t>(doc)) * 1'000'000'000;
}

}  // namespace

const std::string& doc_content(std::size_t doc) {
  static const std::array<std::string, kDocs.size()> contents = [] {
    std::array<std::string, kDocs.size()> c;
    for (std::size_t d = 0; d < kDocs.size(); ++d) {
      for (std::size_t i = 0; i < kDocs[d].size; ++i) c[d] += doc_byte(d, i);
    }
    return c;
  }();
  return contents[doc];
}

FuzzFiles::FuzzFiles() {
  for (std::size_t d = 0; d < kDocs.size(); ++d) {
    add(std::string(kDocs[d].path), doc_content(d), doc_mtime_ns(d));
  }
  forbid(std::string(kForbidden));
}

core::OpenResult FuzzFiles::open(std::string_view relative_path) noexcept {
  core::OpenResult r = MemoryFiles::open(relative_path);
  if (r.status != core::OpenStatus::ok) return r;
  FUZZ_CHECK(r.handle && r.handle.owner() == this && r.handle.get() >= 0);
  const auto h = static_cast<std::size_t>(r.handle.get());
  if (h >= handles_.size()) handles_.resize(h + 1);
  FUZZ_CHECK(!handles_[h].live);
  handles_[h] = {true, r.info.size};
  if (armed_ && !r.info.directory) {
    armed_ = false;
    shrink(std::string(relative_path), shrink_fraction_);
  }
  return r;
}

// Only a FileHandle calls this, so a handle closed twice or never is the handle type's bug.
void FuzzFiles::release(core::FileHandle::Id id) noexcept {
  FUZZ_CHECK(id >= 0 && static_cast<std::size_t>(id) < handles_.size() &&
             handles_[static_cast<std::size_t>(id)].live);  // closed exactly once
  handles_[static_cast<std::size_t>(id)].live = false;
  MemoryFiles::release(id);
}

bool FuzzFiles::live(const core::FileHandle& file) const {
  const core::FileHandle::Id id = file.get();
  return file.owner() == this && id >= 0 && static_cast<std::size_t>(id) < handles_.size() &&
         handles_[static_cast<std::size_t>(id)].live;
}

std::uint64_t FuzzFiles::size_at_open(const core::FileHandle& file) const {
  return handles_[static_cast<std::size_t>(file.get())].size;
}

void FuzzFiles::shrink(const std::string& path, unsigned fraction) {
  for (const DocSpec& d : kDocs) {
    if (d.path == path) {
      truncate(path, d.size * fraction / 256);
      ++shrinks_;
    }
  }
}

void FuzzFiles::shrink_after_next_open(unsigned fraction) {
  armed_ = true;
  shrink_fraction_ = fraction;
}

}  // namespace h1::fuzz
