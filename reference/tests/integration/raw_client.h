// A deliberately small HTTP/1.1 client over a raw TCP socket, written for these tests
// only: it shares no code with the server's parser. Every read has a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/unique_fd.h"

namespace h1::integration {

// How long a test waits for something that should happen at once, or after a timeout the
// test itself set well below this: a bound for a test that would otherwise hang, never the
// thing measured, so it is generous (a loaded machine, a sanitizer build).
inline constexpr std::chrono::milliseconds kPatience{10'000};

struct Response {
  int status = 0;
  std::string head;  ///< status line and fields, through the empty line
  std::vector<std::pair<std::string, std::string>> fields;  ///< names lower-cased
  std::string body;

  // The first field named name (lower case), if any.
  [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port; reads and writes give up after timeout. A non-zero
  // rcvbuf shrinks the receive buffer before connecting, so that a large response
  // stays in flight on the server side until it is read.
  explicit RawClient(std::uint16_t port, std::chrono::milliseconds timeout = kPatience,
                     int rcvbuf = 0);

  // Changes the timeout of reads and writes from now on.
  void set_timeout(std::chrono::milliseconds timeout);
  // Waits until at least one byte of the response has arrived (without consuming it); false
  // if none came within timeout.
  [[nodiscard]] bool wait_for_bytes(std::chrono::milliseconds timeout = kPatience);

  // Sends all of bytes.
  void send(std::string_view bytes);
  // Sends bytes one at a time with a pause between them, so that each is its own segment.
  void send_bytewise(std::string_view bytes, std::chrono::milliseconds pause);
  // Reads one response; a response to HEAD has no body whatever its Content-Length says.
  // Throws std::runtime_error on timeout or if the connection ends mid-response.
  Response read_response(bool to_head = false);
  // Reads until the peer closes (or times out); returns everything received.
  std::string read_to_close();
  // True when the peer closes (EOF or reset) with no further bytes within timeout.
  [[nodiscard]] bool peer_closes(std::chrono::milliseconds timeout);
  // Closes the socket now (orderly FIN).
  void close() { fd_.reset(); }
  // Closes with SO_LINGER 0, so that the peer gets a reset instead of a FIN.
  void abort();

 private:
  // Appends at least one byte to buffer_; false on EOF. Throws on timeout or error.
  bool fill();
  std::string take(std::size_t n);
  // One CRLF-terminated line, without the CRLF.
  std::string read_line();

  io::unique_fd fd_;
  std::string buffer_;  // received, not yet consumed
};

// "GET path HTTP/1.1" with Host, plus extra field lines (each ending in CRLF).
[[nodiscard]] std::string request(std::string_view method, std::string_view target,
                                  std::string_view extra = {});

// The whole content of a file, or "" if it cannot be read.
[[nodiscard]] std::string file_contents(const std::string& path);

}  // namespace h1::integration
