// How h1fault's proxy role reads a client request: with h1spec's strict reader
// (wire/request_reader.h), and, only when a parsing fault is switched on, with that fault's
// one leniency first (bare LF or bare CR as a line end, obs-fold dropped, whitespace before
// the colon, a NUL ending a value, CL with TE). The request as the fault misread it is then
// forwarded as an ordinary, well-formed one: that is the defect the fault stands for, and
// what a strict origin behind the proxy records. forward-cl-te alone keeps the bytes of
// Transfer-Encoding, Content-Length and the body exactly as received.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proxy_fault.h"
#include "wire/request_reader.h"

namespace h1spec::faulty {

// One field line of a client request as the proxy forwards it.
struct ClientField {
  std::string name;   ///< as received (whitespace before a colon trimmed)
  std::string value;  ///< OWS-trimmed
  std::string raw;    ///< forward-cl-te: the field's line as received, forwarded unchanged
};

struct ClientRequest {
  Request request;                  ///< method, target, version, decoded body, framing
  std::vector<ClientField> fields;  ///< every field line, in order
  bool keep_framing = false;        ///< forward-cl-te took this request: TE, CL, body as sent
  std::string raw_body;             ///< keep_framing: the body bytes exactly as received
};

struct ClientRead {
  ReadStatus status = ReadStatus::need_more;  ///< complete | need_more | malformed
  ClientRequest request;
  std::size_t consumed = 0;  ///< complete: bytes of this request in the input
  std::string error;         ///< malformed: the reader's reason
};

// Reads one request from the start of bytes (eof: nothing more will come), as
// h1spec::read_request does, with the leniencies of the parsing faults in `faults`.
[[nodiscard]] ClientRead read_client_request(std::string_view bytes, bool eof, ProxyFaults faults);

// True when bytes start with a complete request head (CRLF line ends) that carries
// "Expect: 100-continue" and announces a body: the client may wait for a 100 before sending it.
[[nodiscard]] bool head_awaits_continue(std::string_view bytes);

}  // namespace h1spec::faulty
