// The access log: one line per response, "METHOD TARGET STATUS BYTES", to a file or stdout.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "core/config.h"
#include "io/setup_result.h"

namespace h1::io {

class FileAccessLog final : public core::AccessLog {
 public:
  // Opens path for appending; "-" writes to stdout (not closed afterwards).
  static SetupResult<std::unique_ptr<FileAccessLog>> open(const std::string& path);
  // Logs to an existing stream that the caller keeps open (tests use tmpfile()).
  explicit FileAccessLog(std::FILE* borrowed) noexcept : out_(borrowed) {}
  ~FileAccessLog() override;
  FileAccessLog(const FileAccessLog&) = delete;
  FileAccessLog& operator=(const FileAccessLog&) = delete;

  // Writes and flushes one line; callable from every worker thread at once. Bytes a
  // terminal or a log parser could misread (controls, spaces, non-ASCII) become \xHH.
  void record(const core::AccessRecord& r) noexcept override;

 private:
  FileAccessLog(std::FILE* out, bool owned) noexcept : out_(out), owned_(owned) {}

  std::mutex mutex_;  // one writer at a time, so lines never interleave
  std::FILE* out_;
  bool owned_ = false;
};

}  // namespace h1::io
