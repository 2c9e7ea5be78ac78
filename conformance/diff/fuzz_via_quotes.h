// The RFC sentences that `h1spec fuzz --via` seeds and findings quote, verbatim, each with
// its section, in one place so that a seed and the finding it leads to cite the same text.
#pragma once

#include <string_view>

namespace h1spec::fuzz {

struct RfcQuote {
  std::string_view rfc;    ///< "RFC 9112 §6.1"
  std::string_view quote;  ///< the sentence
};

inline constexpr RfcQuote kQuoteClTe{
    "RFC 9112 §6.1",
    "A server MAY reject a request that contains both Content-Length and Transfer-Encoding or "
    "process such a request in accordance with the Transfer-Encoding alone. Regardless, the "
    "server MUST close the connection after responding to such a request to avoid the potential "
    "attacks."};
inline constexpr RfcQuote kQuoteTeHttp10{
    "RFC 9112 §6.1",
    "A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding header "
    "field MUST treat the message as if the framing is faulty, even if a Content-Length is "
    "present, and close the connection after processing the message."};
inline constexpr RfcQuote kQuoteBadTe{
    "RFC 9112 §6.3",
    "If a Transfer-Encoding header field is present in a request and the chunked transfer coding "
    "is not the final encoding, the message body length cannot be determined reliably; the "
    "server MUST respond with the 400 (Bad Request) status code and then close the connection."};
inline constexpr RfcQuote kQuoteBadCl{
    "RFC 9112 §6.3",
    "If the unrecoverable error is in a request message, the server MUST respond with a 400 (Bad "
    "Request) status code and then close the connection."};
inline constexpr RfcQuote kQuoteChunked{
    "RFC 9112 §7.1", "A recipient MUST be able to parse and decode the chunked transfer coding."};
inline constexpr RfcQuote kQuoteSpaceColon{
    "RFC 9112 §5.1",
    "A server MUST reject, with a response status code of 400 (Bad Request), any received "
    "request message that contains whitespace between a header field name and colon."};
inline constexpr RfcQuote kQuoteObsFold{
    "RFC 9112 §5.2",
    "A server that receives an obs-fold in a request message that is not within a "
    "\"message/http\" container MUST either reject the message by sending a 400 (Bad Request), "
    "preferably with a representation explaining that obsolete line folding is unacceptable, or "
    "replace each received obs-fold with one or more SP octets prior to interpreting the field "
    "value or forwarding the message downstream."};
inline constexpr RfcQuote kQuoteIncomplete{
    "RFC 9112 §6.3",
    "If the sender closes the connection or the recipient times out before the indicated number "
    "of octets are received, the recipient MUST consider the message to be incomplete and close "
    "the connection."};
inline constexpr RfcQuote kQuoteContentLength{
    "RFC 9112 §6.3",
    "If a valid Content-Length header field is present without Transfer-Encoding, its decimal "
    "value defines the expected message body length in octets."};
inline constexpr RfcQuote kQuoteNoBody{
    "RFC 9112 §6.3",
    "If this is a request message and none of the above are true, then the message body length "
    "is zero (no message body is present)."};
inline constexpr RfcQuote kQuotePipeline{
    "RFC 9112 §9.3.2",
    "A server MAY process a sequence of pipelined requests in parallel if they all have safe "
    "methods (Section 9.2.1 of [HTTP]), but it MUST send the corresponding responses in the same "
    "order that the requests were received."};
inline constexpr RfcQuote kQuoteRetry{
    "RFC 9112 §9.3.1", "A proxy MUST NOT automatically retry non-idempotent requests."};
inline constexpr RfcQuote kQuoteChunkExt{"RFC 9112 §7.1.1",
                                         "A recipient MUST ignore unrecognized chunk extensions."};

}  // namespace h1spec::fuzz
