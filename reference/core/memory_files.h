// An in-memory document root for tests and fuzzers: the same contract as io::DocRoot.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/files.h"

namespace h1::core {

class MemoryFiles : public Files {
 public:
  // Adds a file; parent directories come into being implicitly.
  void add(std::string path, std::string content, std::int64_t mtime_ns = 1'000'000'000);
  // Marks a path as present but forbidden (stands in for an escaping symlink).
  void forbid(std::string path);
  // Replaces a file's content, as if it changed on disk while open handles remain.
  void truncate(const std::string& path, std::size_t size);

  OpenResult open(std::string_view relative_path) noexcept override;
  std::size_t read(FileHandle file, std::uint64_t offset, std::span<char> dst) noexcept override;
  void close(FileHandle file) noexcept override;

  // Handles opened and not yet closed; tests check this returns to zero.
  [[nodiscard]] std::size_t open_count() const noexcept { return open_; }

 private:
  struct Entry {
    std::string content;
    std::int64_t mtime_ns = 0;
    bool forbidden = false;
  };
  [[nodiscard]] bool is_directory(std::string_view path) const;
  FileHandle new_handle(const std::string* key);

  std::map<std::string, Entry, std::less<>> entries_;
  struct Handle {
    const std::string* key = nullptr;  // nullptr for a directory
    bool live = true;
  };
  std::vector<Handle> handles_;  // indexed by FileHandle
  std::size_t open_ = 0;
};

}  // namespace h1::core
