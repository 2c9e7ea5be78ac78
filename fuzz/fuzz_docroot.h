// The in-memory document root of the connection target: nine documents of known bytes and
// mtimes, and a MemoryFiles that checks how the core uses file handles.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/memory_files.h"

namespace h1::fuzz {

struct DocSpec {
  std::string_view path;
  std::size_t size;
  std::string_view last_modified;  // IMF-fixdate of the mtime, which is distinct per document
};

// mtime of document k: 1600000000 + 86401 * k seconds.
inline constexpr std::array<DocSpec, 9> kDocs = {{
    {"index.html", 200, "Sun, 13 Sep 2020 12:26:40 GMT"},
    {"a.txt", 37, "Mon, 14 Sep 2020 12:26:41 GMT"},
    {"big.bin", 40'000, "Tue, 15 Sep 2020 12:26:42 GMT"},   // > inline_body_max: a file segment
    {"edge.bin", 16'384, "Wed, 16 Sep 2020 12:26:43 GMT"},  // == inline_body_max
    {"edge1.bin", 16'385, "Thu, 17 Sep 2020 12:26:44 GMT"},
    {"dir/index.html", 100, "Fri, 18 Sep 2020 12:26:45 GMT"},
    {"dir/b.css", 5'000, "Sat, 19 Sep 2020 12:26:46 GMT"},
    {"empty.txt", 0, "Sun, 20 Sep 2020 12:26:47 GMT"},
    {".hidden", 10, "Mon, 21 Sep 2020 12:26:48 GMT"},
}};
inline constexpr std::string_view kForbidden = "secret.txt";

// The bytes of document `doc`: lower-case letters only, so no body can be mistaken for a
// status line.
[[nodiscard]] const std::string& doc_content(std::size_t doc);

// MemoryFiles that checks how the connection uses handles (each closed exactly once), and can
// shrink a document right after it is opened (sized, then changed on disk before it is read).
class FuzzFiles final : public support::MemoryFiles {
 public:
  FuzzFiles();

  core::OpenResult open(std::string_view relative_path) noexcept override;

  // Whether file is open and was opened here.
  [[nodiscard]] bool live(const core::FileHandle& file) const;
  [[nodiscard]] std::uint64_t size_at_open(const core::FileHandle& file) const;
  [[nodiscard]] bool shrank() const { return shrinks_ > 0; }

  // Truncates `path` to fraction/256 of its original size, at once.
  void shrink(const std::string& path, unsigned fraction);
  // The same, for whichever document is opened next.
  void shrink_after_next_open(unsigned fraction);

 private:
  void release(core::FileHandle::Id id) noexcept override;

  struct Handle {
    bool live = false;
    std::uint64_t size = 0;
  };
  std::vector<Handle> handles_;
  bool armed_ = false;
  unsigned shrink_fraction_ = 0;
  int shrinks_ = 0;
};

}  // namespace h1::fuzz
