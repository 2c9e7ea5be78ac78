// Static-file semantics of RFC 9110: methods, paths, conditionals and ranges.
// Decides one response and writes its head; the connection sends the body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/config.h"
#include "core/files.h"
#include "http/request_parser.h"

namespace h1::core {

// What follows the head. A file handle, when set, belongs to the caller afterwards (it
// closes the file when the plan, or whatever the file moved to, goes).
struct BodyPlan {
  FileHandle file{};  ///< a document range to send
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  char text[48] = {};  ///< a generated body (error pages), when there is no file
  std::size_t text_size = 0;
};

struct ResponsePlan {
  int status = 0;
  std::size_t head_size = 0;  ///< bytes of head written; 0 if it did not fit
  bool send_body = false;     ///< false for HEAD, 204 and 304
  BodyPlan body{};
  std::size_t inline_size = 0;  ///< body bytes already staged right after the head
};

// How the response announces the connection's fate.
enum class Persistence : std::uint8_t { keep_alive, keep_alive_announced, close };

struct HandlerContext {
  const Config* config = nullptr;
  Files* files = nullptr;
  std::span<char> path_scratch;  ///< at least limits.max_target + 16 bytes
  std::string_view date;         ///< IMF-fixdate of now
};

// Plans the response to a complete, well-formed request and writes its head into out.
[[nodiscard]] ResponsePlan plan_response(const http::Request& req, const HandlerContext& ctx,
                                         Persistence persistence, std::span<char> out) noexcept;

// Plans a generated response (an error, 408...) with a short text body.
[[nodiscard]] ResponsePlan plan_status(int status, const HandlerContext& ctx,
                                       Persistence persistence, bool head_only,
                                       std::span<char> out) noexcept;

}  // namespace h1::core
