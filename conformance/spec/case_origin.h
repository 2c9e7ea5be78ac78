// The two sides of a proxy case (conformance/README.md, "Proxy cases"): what the recording
// origin behind the proxy answers (```origin-reply blocks) and what must reach it
// (an ```origin-expect block). Pure: parsing only; grade/origin_judge.h gives the meaning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spec/case_parts.h"

namespace h1spec {

// One ```origin-reply block: the bytes the origin writes for one forwarded request. The
// k-th block answers the k-th request that reaches the origin, counted over all back-end
// connections in arrival order.
struct OriginReply {
  std::string bytes;   ///< after the byte rules of ```http blocks; "{{host}}" still unexpanded
  bool close = false;  ///< "```origin-reply close": close that connection after the bytes
  int line = 0;        ///< line of the opening fence
};

// One request that must reach the origin. Empty method, target, version: not checked.
struct ExpectedRequest {
  std::string method;
  std::string target;  ///< compared exactly with the request-target as forwarded
  std::string version;
  std::vector<HeaderCheck> headers;
  BodyCheck body;  ///< unchecked, exact, length or empty (never a file)
  int line = 0;
};

// One alternative of an ```origin-expect block.
struct OriginAlternative {
  enum class Count : std::uint8_t { exactly, at_most };
  bool warn = false;
  std::string warn_reason;
  Count count_kind = Count::exactly;
  std::size_t count = 0;  ///< "requests N"; by default the number of described requests
  bool nothing_forwarded = false;
  std::vector<ExpectedRequest> requests;  ///< checks for the 1st, 2nd... request to arrive
  int line = 0;
};

struct OriginExpect {
  std::vector<OriginAlternative> alternatives;  ///< at least one; any may match
  int line = 0;                                 ///< line of the opening fence
};

// Parses one ```origin-reply block. args is the fence's info string after "origin-reply"
// ("" or "close"); lines are the block's lines and fence_line the line of its opening fence.
// Malformed input appends to errors (file:line of the bad line).
[[nodiscard]] OriginReply parse_origin_reply(std::string_view args,
                                             const std::vector<std::string>& lines, int fence_line,
                                             std::string_view file,
                                             std::vector<CaseFileError>& errors);

// Parses one ```origin-expect block, as above.
[[nodiscard]] OriginExpect parse_origin_expect(const std::vector<std::string>& lines,
                                               int fence_line, std::string_view file,
                                               std::vector<CaseFileError>& errors);

}  // namespace h1spec
