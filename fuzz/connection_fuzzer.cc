// Fuzz target: core::Connection, the sans-I/O HTTP/1.1 core, driven the way a socket driver
// drives it, against an in-memory document root.
//
// Input: byte 0 is the length C of a control program, the next C bytes are the program, and
// the rest is the byte stream the client sends; an odd C runs the connection with a buffer
// pool, as the epoll and poll models do, an even C without one. Each control op is one byte,
// kind = op & 7 and arg = op >> 3, some followed by one operand byte b:
//   0 read 1 + b + 256 * arg bytes      1 read as much as fits
//   2 write 1 + b + 256 * arg bytes     3 write everything pending
//   4 clock tick of (b + 1) * {1 ms, 100 ms, 1 s, 10 s}[arg & 3], then on_timer if due;
//     arg & 4 also calls on_timer early, which must change nothing
//   5 end of stream from the peer       6 graceful shutdown (begin_shutdown)
//   7 arg 0: write error; else shrink document (arg >> 1) to b/256 of its size, at once
//     (arg odd) or right after its next open (arg even), as if it changed on disk
// When the program ends, the driver sends the rest of the stream, writes everything, sends
// end of stream and advances the clock until the connection closes.
//
// Invariants:
//   - the output is a sequence of valid HTTP/1.1 responses: a strict status line, field lines
//     of tchar names and clean values, one Date, one Server, no Transfer-Encoding, exactly one
//     Content-Length wherever a body may follow and a body of exactly that length (none for
//     HEAD, 1xx, 204, 304), a well-formed Content-Range on 206 and 416, Location on 301, Allow
//     on 405;
//   - each response matches the access-log record queued for it (same status, same order);
//     unless the connection was cut (write error, file short, timeout with output pending),
//     every recorded response is delivered whole;
//   - file bodies are the document's bytes at the announced offsets, never past the size the
//     document had when opened; generated bodies are "<status> <reason>\n";
//   - nothing follows a response that says "Connection: close", and nothing more is written
//     once the connection asked for shutdown;
//   - pending() never holds an empty segment or a file segment past its document's size; file
//     handles are closed exactly once; a document reads short only after it shrank;
//   - on_timer before the deadline changes nothing; once closed, the connection wants nothing
//     and holds no file; an idle connection holds no file;
//   - after end of stream the connection always reaches closed(), and open_count() is 0
//     after it is destroyed.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.h"
#include "fuzz_check.h"
#include "fuzz_docroot.h"
#include "response_checker.h"

namespace {

using namespace h1::core;
using namespace h1::fuzz;
using namespace std::chrono_literals;

// ---- The driver ------------------------------------------------------------------------

constexpr std::int64_t kStartUnix = 1'700'000'000;
constexpr std::array<std::chrono::milliseconds, 4> kTickUnits = {1ms, 100ms, 1s, 10s};

class Driver {
 public:
  // With a pool (as the epoll and poll models run) the connection borrows its buffers only
  // while busy and keeps a partial request line in its stash; without one (the threads,
  // fork and blocking models) it holds them from the first input on.
  Driver(std::span<const std::uint8_t> program, std::string_view stream, bool pooled)
      : program_(program), stream_(stream) {
    config_.access_log = &log_;
    if (pooled) pool_.emplace(config_);
    conn_.emplace(config_, files_, now_, pool_ ? &*pool_ : nullptr);
    out_.reserve(4096);
  }

  void run() {
    while (!conn_->closed() && op_ < program_.size()) {
      step();
      after_event();
    }
    finish();
    conn_.reset();
    FUZZ_CHECK(files_.open_count() == 0);
    // H1_FUZZ_DUMP=1 prints what the server wrote, to see why a check failed.
    static const bool dump = std::getenv("H1_FUZZ_DUMP") != nullptr;
    if (dump) {
      std::fprintf(stderr, "---- output (%zu bytes, %zu responses logged%s)\n", out_.size(),
                   log_.records.size(), cut_ ? ", cut" : "");
      std::fwrite(out_.data(), 1, out_.size(), stderr);
      std::fprintf(stderr, "\n---- end of output\n");
    }
    check_output(out_, log_.records, cut_);
  }

 private:
  std::uint8_t next() { return op_ < program_.size() ? program_[op_++] : 0; }

  void step() {
    const unsigned op = next();
    const unsigned arg = op >> 3;
    switch (op & 7) {
      case 0:
        read(1 + next() + 256 * std::size_t{arg});
        break;
      case 1:
        read(SIZE_MAX);
        break;
      case 2:
        write(1 + next() + 256 * std::size_t{arg});
        break;
      case 3:
        write(SIZE_MAX);
        break;
      case 4:
        tick(kTickUnits[arg & 3] * (next() + 1), (arg & 4) != 0);
        break;
      case 5:
        eof();
        break;
      case 6:
        conn_->begin_shutdown(now_);
        break;
      default:
        files_event(arg);
        break;
    }
  }

  void files_event(unsigned arg) {
    if (arg == 0) {
      if (!conn_->wants_write()) return;  // a write can only fail while writing
      cut_ = true;
      conn_->on_write_error();
      return;
    }
    const unsigned fraction = next();
    const std::string path(kDocs[(arg >> 1) % kDocs.size()].path);
    if ((arg & 1) != 0) {
      files_.shrink(path, fraction);
    } else {
      files_.shrink_after_next_open(fraction);
    }
  }

  void read(std::size_t max) {
    if (eof_ || sent_ == stream_.size() || !conn_->wants_read()) return;
    const std::span<char> space = conn_->read_space();
    FUZZ_CHECK(!space.empty());
    const std::size_t n = std::min({max, space.size(), stream_.size() - sent_});
    std::memcpy(space.data(), stream_.data() + sent_, n);
    sent_ += n;
    conn_->on_read(n, now_);
  }

  // Writes up to max bytes of pending(), as one writev/sendfile round would.
  void write(std::size_t max) {
    std::size_t total = 0;
    bool short_file = false;
    for (const Segment& s : conn_->pending()) {
      if (total >= max) break;
      const std::size_t room = max - total;
      if (s.kind == Segment::Kind::bytes) {
        const std::size_t n = std::min(room, s.size);
        out_.append(s.data, n);
        total += n;
        if (n < s.size) break;
        continue;
      }
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(room, s.length));
      std::size_t got = 0;
      while (got < want) {
        const std::size_t chunk = std::min(want - got, buffer_.size());
        const std::size_t n = files_.read(s.file, s.offset + got, {buffer_.data(), chunk});
        if (n == 0) break;
        out_.append(buffer_.data(), n);
        got += n;
      }
      total += got;
      if (got < want) {
        short_file = true;
        break;
      }
      if (want < s.length) break;
    }
    if (total > 0) conn_->on_sent(total, now_);
    if (short_file && !conn_->closed()) {
      FUZZ_CHECK(files_.shrank());  // only a document that shrank ends early
      cut_ = true;
      conn_->on_file_short(now_);
    }
  }

  void tick(std::chrono::milliseconds d, bool early_timer) {
    now_.mono += d;
    now_.unix_seconds =
        kStartUnix + std::chrono::duration_cast<std::chrono::seconds>(now_.mono - start_).count();
    if (now_.mono >= conn_->deadline()) {
      timer();
    } else if (early_timer) {
      const auto before = snapshot();
      conn_->on_timer(now_);
      FUZZ_CHECK(snapshot() == before);  // nothing happens before the deadline
    }
  }

  void timer() {
    if (conn_->wants_write()) cut_ = true;  // a stalled write is dropped
    conn_->on_timer(now_);
  }

  void eof() {
    if (eof_) return;
    eof_ = true;
    conn_->on_eof(now_);
  }

  struct Snapshot {
    std::size_t pending;
    bool closed, wants_read, wants_write;
    TimePoint deadline;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot snapshot() const {
    return {conn_->pending().size(), conn_->closed(), conn_->wants_read(), conn_->wants_write(),
            conn_->deadline()};
  }

  void after_event() {
    for (const Segment& s : conn_->pending()) {
      if (s.kind == Segment::Kind::bytes) {
        FUZZ_CHECK(s.size > 0 && s.data != nullptr);
      } else {
        FUZZ_CHECK(s.length > 0 && files_.live(s.file));
        FUZZ_CHECK(s.offset + s.length <= files_.size_at_open(s.file));
      }
    }
    FUZZ_CHECK(conn_->wants_write() == !conn_->pending().empty());
    if (conn_->wants_shutdown()) {
      FUZZ_CHECK(!conn_->wants_write());
      if (!shut_) {
        shut_ = true;
        out_at_shutdown_ = out_.size();
      }
      conn_->on_shutdown(now_);
    }
    if (shut_) FUZZ_CHECK(out_.size() == out_at_shutdown_ && !conn_->wants_write());
    if (conn_->closed()) {
      FUZZ_CHECK(!conn_->wants_read() && !conn_->wants_write());
      FUZZ_CHECK(conn_->deadline() == TimePoint::max());
      FUZZ_CHECK(files_.open_count() == 0);
    }
    if (conn_->idle()) FUZZ_CHECK(files_.open_count() == 0);
  }

  // Sends the rest, drains, ends the stream and lets timers run until the connection closes.
  void finish() {
    for (int round = 0; round < 100'000 && !conn_->closed(); ++round) {
      if (conn_->wants_write()) {
        write(SIZE_MAX);
      } else if (!eof_ && sent_ < stream_.size() && conn_->wants_read()) {
        read(SIZE_MAX);
      } else if (!eof_) {
        eof();
      } else if (conn_->deadline() != TimePoint::max()) {
        now_.mono = std::max(now_.mono, conn_->deadline());
        timer();
      } else {
        break;
      }
      after_event();
    }
    FUZZ_CHECK(conn_->closed());  // after end of stream, every path leads to close
  }

  std::span<const std::uint8_t> program_;
  std::string_view stream_;
  std::size_t op_ = 0;
  std::size_t sent_ = 0;
  FuzzFiles files_;
  Log log_;
  Config config_;
  const TimePoint start_ = TimePoint{} + 1000s;
  Now now_{start_, kStartUnix};
  std::optional<BufferPool> pool_;  // outlives conn_
  std::optional<Connection> conn_;
  std::string out_;
  std::array<char, 8192> buffer_{};
  bool eof_ = false;
  bool cut_ = false;
  bool shut_ = false;
  std::size_t out_at_shutdown_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t program = std::min<std::size_t>(data[0], size - 1);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1 + program,
                                size - 1 - program);
  const bool pooled = (data[0] & 1) != 0;  // the program length's low bit picks the pool
  Driver(std::span<const std::uint8_t>(data + 1, program), stream, pooled).run();
  return 0;
}
