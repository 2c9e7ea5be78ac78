// The only way core/ reaches documents: a small interface, so that tests and fuzzers
// can serve from memory while io/ serves from a directory fd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace h1::core {

using FileHandle = int;
inline constexpr FileHandle kNoFile = -1;

struct FileInfo {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  ///< modification time, nanoseconds since the Unix epoch
  bool directory = false;
};

enum class OpenStatus : std::uint8_t {
  ok,         ///< handle and info are valid; the caller must close the handle
  not_found,  ///< no such document (also: a path component is not a directory)
  forbidden,  ///< exists but may not be served (outside the root, symlink escape, not a regular
              ///< file)
  error,      ///< any other failure (EMFILE, EIO...)
};

struct OpenResult {
  OpenStatus status = OpenStatus::not_found;
  FileHandle handle = kNoFile;
  FileInfo info{};
};

class Files {
 public:
  virtual ~Files() = default;
  // Opens a normalised path relative to the root: no leading '/', "" is the root itself.
  [[nodiscard]] virtual OpenResult open(std::string_view relative_path) noexcept = 0;
  // Reads up to dst.size() bytes at offset; returns the count, 0 at end of file or on error.
  [[nodiscard]] virtual std::size_t read(FileHandle file, std::uint64_t offset,
                                         std::span<char> dst) noexcept = 0;
  // Releases a handle returned by open().
  virtual void close(FileHandle file) noexcept = 0;
};

}  // namespace h1::core
