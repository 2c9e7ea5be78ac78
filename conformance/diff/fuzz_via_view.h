// `h1spec fuzz --via`, part 1: the client's view of an input. Pure.
//
// The client view is h1spec's strict request reader (wire/request_reader.h) run over every
// byte of the input, as if the client's stream ended there (the fuzzer half-closes after
// sending): the requests it reads cleanly, in order, and then the tail, the bytes from the
// first message it cannot read to the end. A tail is framing-ambiguous when the reader
// rejects it because the body length of that message cannot be determined unambiguously
// (RFC 9112 §6.3): such a message is the raw material of request smuggling, and which
// requests a correct proxy may forward out of it is fixed by the RFC (fuzz_via_divergence.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/http_request.h"

namespace h1spec::fuzz {

// Why the strict reader rejected the tail, as far as the framing is concerned.
enum class Ambiguity : std::uint8_t {
  none,             ///< no tail, or a tail rejected for a reason that is not framing
  cl_te,            ///< both Transfer-Encoding and Content-Length (RFC 9112 §6.1, §6.3 item 3)
  te_http10,        ///< Transfer-Encoding in an HTTP/1.0 request (§6.1)
  bad_te,           ///< a Transfer-Encoding whose final coding is not a lone chunked (§6.3 item 4)
  bad_cl,           ///< an invalid or differing Content-Length (§6.3 item 5)
  bad_chunked,      ///< chunked body syntax: size, extension, data CRLF, trailers (§7.1)
  hidden_framing,   ///< Content-Length or Transfer-Encoding hidden by whitespace before the
                    ///< colon or continued by obs-fold (§5.1, §5.2): TE.TE obfuscations
  incomplete_body,  ///< the stream ended inside a Content-Length or chunked body (§6.3, §8)
};
[[nodiscard]] std::string_view to_string(Ambiguity a);  ///< "cl-te", "bad-cl", ...

struct ClientView {
  std::vector<Request> requests;  ///< read cleanly, offsets into the input
  std::size_t tail_begin = 0;     ///< where the first unreadable message starts (= size: none)
  bool has_tail = false;          ///< bytes after the last clean request the reader rejected
  std::string tail_error;         ///< the reader's reason
  Ambiguity ambiguity = Ambiguity::none;
  // The tail message as a head (request line and fields) could be read: its method and target.
  std::string tail_method, tail_target;
  // cl_te only: the tail message read by its Transfer-Encoding alone (every Content-Length
  // line removed), which is what an intermediary that forwards it must send (§6.3 item 3).
  std::optional<Request> te_reading;
  [[nodiscard]] bool ambiguous() const { return ambiguity != Ambiguity::none; }
};

[[nodiscard]] ClientView client_view(std::string_view bytes);

// The framing class of a strict reader error (RequestReadResult::error). Exposed for tests.
[[nodiscard]] Ambiguity classify_rejection(std::string_view error);

}  // namespace h1spec::fuzz
