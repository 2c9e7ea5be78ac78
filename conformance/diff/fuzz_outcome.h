// `h1spec fuzz`, part 2: what a server did with a mutant, and how two servers differ. Pure.
//
// The client sends the mutant, half-closes, and reads until the server closes. What came back
// is a list of responses, each of which either accepted a request (any status but the ones a
// parser answers with) or rejected the stream; then the end: a close, a reset, or a timeout.
// Comparing the target's list with the oracle's, response by response, gives the first place
// where they parted and how:
//   danger      the target accepted a request where the oracle rejected the stream: the
//               smuggling signature (a front end that accepts what a back end rejects, or
//               the reverse, is how requests get smuggled);
//   framing     both accepted, but one answered more requests than the other: they split
//               the stream into different messages;
//   strictness  the target rejected where the oracle accepted;
// A side that closes without answering anything has rejected the request silently. A 405
// on one side and a 501 on the other both refuse the method: no difference, and nothing
// after them is compared.
//   benign      both rejected, with different codes (not reported);
//   same        no difference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace h1spec::fuzz {

enum class End : std::uint8_t { closed, reset, timeout, connect_failed };

struct Outcome {
  std::vector<int> statuses;  ///< final (non-1xx) responses, in order
  End end = End::closed;
  bool malformed = false;  ///< bytes after the last response were not a valid response
  std::size_t bytes = 0;   ///< response bytes received
};

// Statuses a server answers a request it could not parse or frame with.
[[nodiscard]] bool is_rejection(int status);

// Splits a response stream into responses. A response with a body length whose next bytes
// are "HTTP/" instead is read as the answer to a HEAD request.
[[nodiscard]] Outcome outcome_from(std::string_view stream, End end);

enum class Kind : std::uint8_t { same, benign, danger, framing, strictness };
[[nodiscard]] std::string_view to_string(Kind kind);
[[nodiscard]] std::string_view to_string(End end);

struct Difference {
  Kind kind = Kind::same;
  std::size_t at = 0;  ///< index of the first response where they part
  std::string target;  ///< what the target did there: "A" accepted, "R400", "end"
  std::string oracle;  ///< and the oracle
  // Kind and the tokens where they part: the same root cause gives the same signature.
  [[nodiscard]] std::string signature() const;
};

[[nodiscard]] Difference compare(const Outcome& target, const Outcome& oracle);
// The same, knowing the request: a danger whose oracle side is a 501, for a request with an
// unknown method or without a Transfer-Encoding field line, is a difference in method
// semantics (benign), not in framing.
[[nodiscard]] Difference compare(const Outcome& target, const Outcome& oracle,
                                 std::string_view request);

// "200 404 | closed": the outcome in one line, for logs and findings.
[[nodiscard]] std::string describe(const Outcome& o);

}  // namespace h1spec::fuzz
