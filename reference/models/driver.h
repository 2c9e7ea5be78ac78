// Moves bytes between one non-blocking socket and its core::Connection, following the
// protocol at the top of core/connection.h. Shared by every model: a model only decides
// when to call these (readiness, timers), never what HTTP means.
#pragma once

#include "core/config.h"
#include "core/connection.h"

namespace h1::models {

// Reads into read_space() until the socket would block, the space is full, the core
// stops wanting input, or a fairness bound is hit; reports end of stream with on_eof.
void pump_read(core::Connection& conn, int sock, core::Now now) noexcept;

// Writes pending() (writev for byte runs, sendfile for file ranges) until it is empty,
// the socket would block, or a fairness bound is hit; reports each success with on_sent.
void pump_write(core::Connection& conn, int sock, core::Now now) noexcept;

// Half-closes the socket when the core asks for it.
void pump_shutdown(core::Connection& conn, int sock, core::Now now) noexcept;

// One step: read (only if readable), write, half-close, in that order.
void drive(core::Connection& conn, int sock, bool readable, core::Now now) noexcept;

}  // namespace h1::models
