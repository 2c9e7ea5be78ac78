// Grades what a server did against a case's acceptable outcomes. Pure: the runner does
// the I/O and hands over an Observation.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "spec/case_file.h"
#include "wire/response_reader.h"

namespace h1spec {

// waived: a FAIL covered by an unexpired waiver for that target (see waiver.h).
enum class Verdict : std::uint8_t { pass, warn, fail, not_applicable, error, waived };
enum class Profile : std::uint8_t { strict, rfc, lenient };

[[nodiscard]] std::string_view to_string(Verdict v);

// The files the cases compare bodies with, read once from --docroot.
class ExpectedFiles {
 public:
  explicit ExpectedFiles(std::string root) : root_(std::move(root)) {}
  // Content of root/path, or nullopt if it cannot be read. Thread-safe.
  [[nodiscard]] std::optional<std::string> get(const std::string& path);

 private:
  std::string root_;
  std::mutex mutex_;
  std::map<std::string, std::optional<std::string>> cache_;
};

// What happened on the wire during one replay of a case.
struct Observation {
  std::vector<Response> responses;  ///< complete responses, interim ones included, in order
  std::string read_error;           ///< a malformed or truncated response, a reset...
  std::size_t trailing_bytes = 0;   ///< bytes after the last complete response
  bool cut_response = false;    ///< those bytes are a whole response head, its body cut by a close
  bool closed = false;          ///< end of stream seen after the responses
  bool closed_checked = false;  ///< the runner waited for end of stream
  std::optional<bool> canary_ok;  ///< the canary on the same connection got a correct 200
  std::string canary_detail;
  std::optional<bool> alive_ok;  ///< the canary on a new connection got a correct 200
  std::string alive_detail;
};

struct Judgement {
  Verdict verdict = Verdict::error;
  std::string reason;  ///< why it failed or warned; empty on PASS
};

// True if the responses part of alt (count, statuses, fields, bodies) matches; else why.
[[nodiscard]] bool responses_match(const Alternative& alt, const std::vector<Response>& responses,
                                   ExpectedFiles& files, std::string& why);

// Grades one replay.
[[nodiscard]] Judgement judge(const Case& c, const Observation& obs, ExpectedFiles& files,
                              Profile profile);

// The canary request (README: "The canary") and its check.
[[nodiscard]] std::string canary_request(std::string_view host);
[[nodiscard]] bool canary_matches(const Response& r, ExpectedFiles& files, std::string& why);

}  // namespace h1spec
