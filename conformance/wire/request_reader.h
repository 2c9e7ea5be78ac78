// h1spec's own strict reader of HTTP/1.1 requests (RFC 9112), pure like response_reader.h.
// It cuts a byte stream into requests the way a careful server must, and rejects every shape
// that servers disagree on (the stuff of request smuggling) instead of guessing. It checks
// syntax and framing only: Host rules and method semantics are for the judge.
//
// Strict means: the request-line is exactly `method SP request-target SP HTTP-version CRLF`;
// every line ends in CRLF (no bare LF, no bare CR); a field line is `token ":" OWS value OWS`
// (no whitespace before the colon, no obs-fold, no control byte but HTAB in a value);
// framing follows RFC 9112 §6.3 and a request with both Transfer-Encoding and Content-Length
// is malformed. The only leniency is the one §2.2 asks for: empty lines before the
// request-line are skipped and counted (Request::leading_empty_lines).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "wire/http_request.h"
#include "wire/response_reader.h"

namespace h1spec {

struct RequestReadResult {
  ReadStatus status = ReadStatus::need_more;  ///< complete | need_more | malformed
  Request request;                            ///< complete: the request, offsets from bytes[0]
  std::size_t consumed = 0;                   ///< complete: bytes of this request (with any
                                              ///< leading empty lines); the next starts here
  std::string error;                          ///< malformed: what is wrong, naming the part
};

// Reads one request from the start of bytes. eof: no more bytes will come, so an incomplete
// request is malformed ("connection closed inside ..."). With eof and no bytes at all the
// result is need_more with an empty error: the stream ended cleanly between requests.
//
// Split invariant: for any prefix of bytes, the result is need_more or exactly the result for
// the whole, so a caller may call again with more bytes until it is not need_more.
[[nodiscard]] RequestReadResult read_request(std::string_view bytes, bool eof);

}  // namespace h1spec
