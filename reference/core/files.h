// The only way core/ reaches documents: a small interface, so that tests and fuzzers
// can serve from memory while io/ serves from a directory fd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

namespace h1::core {

class Files;

// An open document, owned: move-only, and closed by its destructor (or reset()) through the
// Files that opened it, exactly once. Nothing else closes a document.
//
// Why not io::unique_fd: io/ sits above core/ (h1_io links h1_core, never the other way), so
// core/ cannot name it. And a handle is not always a descriptor: io::DocRoot's are, but
// io::FileCache hands out shared references to its cached descriptors and the in-memory file
// set of the tests hands out slot numbers. So the handle remembers its opener, and closing
// goes through the opener's private Files::release(): io::DocRoot implements that with
// io::unique_fd (still the only caller of close()), and the arrows stay one-way, with core/
// declaring the interface and io/ implementing it.
class FileHandle {
 public:
  using Id = int;  ///< the opener's own name for the file (io::DocRoot: the descriptor)
  static constexpr Id kNone = -1;

  FileHandle() noexcept = default;
  ~FileHandle() { reset(); }
  FileHandle(FileHandle&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)), id_(std::exchange(other.id_, kNone)) {}
  // Closes the file held so far, then takes other's.
  FileHandle& operator=(FileHandle&& other) noexcept {
    if (this != &other) {
      reset();
      owner_ = std::exchange(other.owner_, nullptr);
      id_ = std::exchange(other.id_, kNone);
    }
    return *this;
  }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  // The opener's id for the file, still owned; kNone when empty.
  [[nodiscard]] Id get() const noexcept { return id_; }
  // The Files that opened it (and will close it); nullptr when empty.
  [[nodiscard]] const Files* owner() const noexcept { return owner_; }
  // True while a file is held.
  explicit operator bool() const noexcept { return owner_ != nullptr; }
  // Closes the file now, if one is held; the handle is empty afterwards.
  inline void reset() noexcept;

 private:
  friend class Files;
  FileHandle(Files& owner, Id id) noexcept : owner_(&owner), id_(id) {}

  Files* owner_ = nullptr;
  Id id_ = kNone;
};

struct FileInfo {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  ///< modification time, nanoseconds since the Unix epoch
  bool directory = false;
};

enum class OpenStatus : std::uint8_t {
  ok,         ///< handle and info are valid; the handle closes the file when it goes
  not_found,  ///< no such document (also: a path component is not a directory)
  forbidden,  ///< exists but may not be served (outside the root, symlink escape, not a regular
              ///< file)
  error,      ///< any other failure (EMFILE, EIO...)
};

struct OpenResult {
  OpenStatus status = OpenStatus::not_found;
  FileHandle handle{};  ///< set exactly when status is ok
  FileInfo info{};
};

class Files {
 public:
  virtual ~Files() = default;
  // Opens a normalised path relative to the root: no leading '/', "" is the root itself.
  [[nodiscard]] virtual OpenResult open(std::string_view relative_path) noexcept = 0;
  // Reads up to dst.size() bytes at offset of a file this object opened; returns the count,
  // 0 at end of file or on error.
  [[nodiscard]] virtual std::size_t read(const FileHandle& file, std::uint64_t offset,
                                         std::span<char> dst) noexcept = 0;

 protected:
  // The owning handle of a file this object has just opened as `id`: when it goes, it calls
  // release(id), once.
  [[nodiscard]] FileHandle adopt(FileHandle::Id id) noexcept { return {*this, id}; }

 private:
  friend class FileHandle;
  // Closes a file that open() returned. Called by its FileHandle only, exactly once.
  virtual void release(FileHandle::Id id) noexcept = 0;
};

inline void FileHandle::reset() noexcept {
  if (owner_ == nullptr) return;
  Files* const owner = std::exchange(owner_, nullptr);
  owner->release(std::exchange(id_, kNone));
}

}  // namespace h1::core
