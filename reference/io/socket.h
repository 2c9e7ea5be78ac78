// TCP sockets: listening, accepting, half-closing. All sockets are non-blocking and
// close-on-exec from birth (SOCK_NONBLOCK | SOCK_CLOEXEC), never toggled afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "io/setup_result.h"
#include "io/unique_fd.h"

namespace h1::io {

// Binds and listens on an IPv4 dotted-quad host and port (0 picks a free port), with
// SO_REUSEADDR and, when reuseport is set, SO_REUSEPORT so that several sockets can share it.
SetupResult<unique_fd> listen_tcp(const std::string& host, std::uint16_t port, bool reuseport,
                                  int backlog);

// Fails with a message if host:port cannot be bound right now by a socket without
// SO_REUSEPORT (for instance another server's SO_REUSEPORT group is listening there).
// Binds without listening, so no connection can be accepted and then dropped.
SetupResult<bool> check_port_free(const std::string& host, std::uint16_t port);

// The local port a bound socket ended up with, or nullopt if getsockname fails.
[[nodiscard]] std::optional<std::uint16_t> bound_port(int fd) noexcept;

enum class AcceptStatus : std::uint8_t {
  ok,           ///< fd holds the new connection
  would_block,  ///< the backlog is empty
  retry,        ///< a transient failure (aborted connection, signal): try again at once
  no_fds,       ///< EMFILE/ENFILE/ENOBUFS/ENOMEM: back off before trying again
  error,        ///< anything else; err says what
};

struct AcceptResult {
  AcceptStatus status = AcceptStatus::error;
  unique_fd fd;
  int err = 0;
};

// Accepts one connection as a non-blocking, close-on-exec socket with TCP_NODELAY set,
// since responses are written whole and Nagle would only delay their tails.
[[nodiscard]] AcceptResult accept_connection(int listen_fd) noexcept;

// Half-closes: sends FIN after the queued bytes; false if the socket is already gone.
bool shutdown_write(int fd) noexcept;

}  // namespace h1::io
