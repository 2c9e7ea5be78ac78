#include "models/driver.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <algorithm>
#include <array>

#include "io/socket.h"
#include "io/stream.h"

namespace h1::models {

static_assert(POLLIN == EPOLLIN && POLLOUT == EPOLLOUT, "readiness_wanted serves both");

namespace {

// Fairness bounds for one step: a single fast peer must not keep a worker from its other
// connections. Level-triggered readiness brings us back for the rest.
constexpr int kMaxReadsPerStep = 16;
constexpr std::size_t kMaxWritePerStep = std::size_t{4} << 20;
// Byte segments gathered into one writev.
constexpr std::size_t kMaxIov = 64;

enum class WriteOutcome { progress, blocked, done };

// Writes the leading byte segments with one writev.
WriteOutcome write_bytes(core::Connection& conn, int sock, std::span<const core::Segment> segs,
                         core::Now now, std::size_t& budget) noexcept {
  std::array<iovec, kMaxIov> iov{};
  std::size_t count = 0;
  bool file_next = false;
  for (const core::Segment& s : segs) {
    if (s.kind != core::Segment::Kind::bytes || count == iov.size()) {
      file_next = s.kind == core::Segment::Kind::file;
      break;
    }
    if (s.size == 0) continue;
    iov[count++] = iovec{const_cast<char*>(s.data), s.size};
  }
  if (count == 0) {
    // Only empty byte segments before a file: acknowledge them so the core can drop
    // them, but end the step in case it does not (no spinning inside one step).
    conn.on_sent(0, now);
    return WriteOutcome::done;
  }
  // A head followed by a file body waits for the body's first bytes (MSG_MORE), so that
  // both leave in one segment rather than a lone small one.
  const io::IoResult r =
      io::write_gather(sock, std::span<const iovec>(iov.data(), count), file_next);
  if (r.status == io::IoStatus::ok) {
    budget -= std::min(budget, r.count);
    conn.on_sent(r.count, now);
    return WriteOutcome::progress;
  }
  if (r.status == io::IoStatus::would_block) return WriteOutcome::blocked;
  conn.on_write_error();
  return WriteOutcome::done;
}

// Sends the file range at the front with sendfile.
WriteOutcome write_file(core::Connection& conn, int sock, const core::Segment& seg, core::Now now,
                        std::size_t& budget) noexcept {
  if (seg.length == 0) {
    // sendfile would return 0 and look like a shrunken file; an empty range is a core
    // slip, and closing is safer than spinning on it.
    conn.on_file_short(now);
    return WriteOutcome::done;
  }
  std::uint64_t offset = seg.offset;
  const std::uint64_t length = std::min<std::uint64_t>(seg.length, budget);
  const io::IoResult r = io::send_file(sock, seg.file.get(), offset, length);
  switch (r.status) {
    case io::IoStatus::ok:
      budget -= std::min(budget, r.count);
      conn.on_sent(r.count, now);
      return WriteOutcome::progress;
    case io::IoStatus::would_block:
      return WriteOutcome::blocked;
    case io::IoStatus::eof:
      conn.on_file_short(now);
      return WriteOutcome::done;
    case io::IoStatus::error:
      break;
  }
  conn.on_write_error();
  return WriteOutcome::done;
}

}  // namespace

void pump_read(core::Connection& conn, int sock, core::Now now) noexcept {
  for (int i = 0; i < kMaxReadsPerStep && !conn.closed() && conn.wants_read(); ++i) {
    const std::span<char> space = conn.read_space();
    if (space.empty()) return;
    const io::IoResult r = io::read_some(sock, space);
    switch (r.status) {
      case io::IoStatus::ok:
        conn.on_read(r.count, now);
        if (r.count < space.size()) return;  // the socket is most likely drained
        break;
      case io::IoStatus::would_block:
        return;
      case io::IoStatus::eof:
      case io::IoStatus::error:  // ECONNRESET and friends: the read side is gone
        conn.on_eof(now);
        return;
    }
  }
}

void pump_write(core::Connection& conn, int sock, core::Now now) noexcept {
  std::size_t budget = kMaxWritePerStep;
  while (budget > 0 && !conn.closed() && conn.wants_write()) {
    const std::span<const core::Segment> segs = conn.pending();
    if (segs.empty()) return;
    const WriteOutcome out = segs.front().kind == core::Segment::Kind::file
                                 ? write_file(conn, sock, segs.front(), now, budget)
                                 : write_bytes(conn, sock, segs, now, budget);
    if (out != WriteOutcome::progress) return;
  }
}

void pump_shutdown(core::Connection& conn, int sock, core::Now now) noexcept {
  if (conn.closed() || !conn.wants_shutdown()) return;
  // A failed shutdown means the peer is already gone; the core learns that from the
  // read side (EOF or reset) or its linger timer, so on_shutdown is right either way.
  (void)io::shutdown_write(sock);
  conn.on_shutdown(now);
}

void drive(core::Connection& conn, int sock, bool readable, core::Now now) noexcept {
  if (readable) pump_read(conn, sock, now);
  pump_write(conn, sock, now);
  pump_shutdown(conn, sock, now);
}

short readiness_wanted(const core::Connection& conn) noexcept {
  short want = 0;
  if (conn.closed()) return want;
  if (conn.wants_read()) want |= POLLIN;
  if (conn.wants_write()) want |= POLLOUT;
  return want;
}

int wait_ms(core::TimePoint until, core::TimePoint now, std::chrono::milliseconds cap) noexcept {
  if (until == core::TimePoint::max()) return -1;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - now);
  return static_cast<int>(std::clamp(wait, std::chrono::milliseconds{0}, cap).count());
}

bool after_wait(core::Connection& conn, short wanted, bool ready_in, bool hung_up) noexcept {
  if (wanted == 0 && hung_up && !conn.closed()) conn.on_write_error();
  return ready_in || hung_up;
}

}  // namespace h1::models
