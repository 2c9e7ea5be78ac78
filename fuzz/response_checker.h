// A strict reader of what core::Connection wrote, independent of the server's own code, and
// the access log that says which request each response answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/connection.h"

namespace h1::fuzz {

// What the access log recorded for one response, in order.
struct Record {
  enum class Method : std::uint8_t { head, other, unknown } method;
  int status;
};

class Log final : public core::AccessLog {
 public:
  void record(const core::AccessRecord& r) noexcept override;
  std::vector<Record> records;
};

// Checks that `out` is the sequence of responses the records announce, each a valid
// HTTP/1.1 response whose file body is the document's bytes (see connection_fuzzer.cc for the
// list). `cut`: the connection was cut, so the last response may be partial and later
// records may never have been delivered.
void check_output(std::string_view out, const std::vector<Record>& records, bool cut);

}  // namespace h1::fuzz
