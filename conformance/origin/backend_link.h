// The recording origin's relay mode (--origin-backend): one connection to the back end per
// connection from the proxy, driven by the origin's poll loop. Non-blocking throughout; the
// loop polls fd for POLLIN, and for POLLOUT while to_backend holds bytes.
#pragma once

#include <string>

namespace h1spec::origin {

struct BackendLink {
  int fd = -1;              ///< -1 before open_backend and once the back end is done
  std::string to_backend;   ///< bytes from the proxy not yet written to the back end
  bool eof = false;         ///< the back end closed (or could not be reached): nothing more comes
  bool write_shut = false;  ///< the proxy's FIN was passed on
};

// Starts a non-blocking connect to host:port (IPv4 loopback, checked by the caller). false:
// the link is at eof at once.
[[nodiscard]] bool open_backend(BackendLink& link, const std::string& host, int port);

// Reads what the back end sent and appends it to out (the bytes for the proxy); at end of
// stream or an error the link closes and is at eof.
void backend_readable(BackendLink& link, std::string& out);

// Writes what it can of to_backend; an error ends the link as backend_readable does.
void backend_writable(BackendLink& link, std::string& out);

// Once the proxy has closed its side and every byte is passed on: the FIN, passed on.
void pass_on_fin(BackendLink& link);

void close_backend(BackendLink& link);

}  // namespace h1spec::origin
