#include "io/file_log.h"

#include <cerrno>
#include <charconv>
#include <string_view>

namespace h1::io {

namespace {

// A line is assembled on the stack: method and target are bounded by the parser's
// limits, and anything beyond the buffer is cut rather than allocated.
constexpr std::size_t kLineMax = 4 * 8192 + 64;

class LineBuilder {
 public:
  void raw(std::string_view s) noexcept {
    for (char c : s) put(c);
  }
  void escaped(std::string_view s) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : s) {
      const auto b = static_cast<unsigned char>(c);
      if (b > 0x20 && b < 0x7f && c != '\\') {
        put(c);
      } else {
        raw("\\x");
        put(kHex[b >> 4]);
        put(kHex[b & 0xf]);
      }
    }
    if (s.empty()) put('-');
  }
  void number(std::uint64_t v) noexcept {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, v);
    raw(std::string_view(digits, static_cast<std::size_t>(r.ptr - digits)));
  }
  [[nodiscard]] std::string_view finish() noexcept {
    if (len_ == sizeof buf_) --len_;  // keep room for the newline
    buf_[len_++] = '\n';
    return {buf_, len_};
  }

 private:
  void put(char c) noexcept {
    if (len_ < sizeof buf_) buf_[len_++] = c;
  }
  char buf_[kLineMax];
  std::size_t len_ = 0;
};

}  // namespace

SetupResult<std::unique_ptr<FileAccessLog>> FileAccessLog::open(const std::string& path) {
  using Result = SetupResult<std::unique_ptr<FileAccessLog>>;
  if (path == "-") return Result::ok(std::make_unique<FileAccessLog>(stdout));
  // "e": O_CLOEXEC, so the log never leaks into a child process.
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr) return Result::fail(errno_message("access log '" + path + "'", errno));
  return Result::ok(std::unique_ptr<FileAccessLog>(new FileAccessLog(f, true)));
}

FileAccessLog::~FileAccessLog() {
  if (owned_) (void)std::fclose(out_);
}

void FileAccessLog::record(const core::AccessRecord& r) noexcept {
  LineBuilder line;
  line.escaped(r.method);
  line.raw(" ");
  line.escaped(r.target);
  line.raw(" ");
  line.number(static_cast<std::uint64_t>(r.status < 0 ? 0 : r.status));
  line.raw(" ");
  line.number(r.body_bytes);
  const std::string_view text = line.finish();
  const std::lock_guard lock(mutex_);
  (void)std::fwrite(text.data(), 1, text.size(), out_);
  (void)std::fflush(out_);
}

}  // namespace h1::io
