// Moves bytes between one non-blocking socket and its core::Connection, following the
// protocol at the top of core/connection.h. Shared by every model: a model only decides
// when to call these (readiness, timers), never what HTTP means.
#pragma once

#include <chrono>

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

// The readiness to wait for (POLLIN and POLLOUT bits, which equal EPOLLIN and EPOLLOUT):
// input iff the core wants it, output iff something is pending.
[[nodiscard]] short readiness_wanted(const core::Connection& conn) noexcept;

// Milliseconds from now until `until` for poll(2) or epoll_wait, rounded up so that the
// wake-up is never early: -1 (forever) for TimePoint::max(), at most `cap` otherwise.
[[nodiscard]] int wait_ms(core::TimePoint until, core::TimePoint now,
                          std::chrono::milliseconds cap) noexcept;

// After a wait: the settle rule every model applies. A socket reporting hang-up or error
// while the core wants nothing from it would wake a level-triggered loop forever, so the
// connection is closed instead; returns whether to read on the next step.
[[nodiscard]] bool after_wait(core::Connection& conn, short wanted, bool ready_in,
                              bool hung_up) noexcept;

}  // namespace h1::models
