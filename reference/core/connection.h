// The sans-I/O HTTP/1.1 connection: bytes in, actions out.
//
// A driver (one of reference/models/) owns the socket and runs this loop:
//   - read into read_space(), then on_read(n, now); on end of stream on_eof(now);
//   - write pending() segments (writev for bytes, sendfile for files), then on_sent(n, now);
//     a file segment that ends early is reported with on_file_short(now);
//   - when wants_shutdown(): shutdown(SHUT_WR), then on_shutdown(now);
//   - when now >= deadline(): on_timer(now);
//   - when closed(): close the socket and destroy the connection.
// All HTTP policy lives here: framing, keep-alive, pipelining order, HEAD, timeouts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/buffer_pool.h"
#include "core/config.h"
#include "core/files.h"
#include "core/static_handler.h"
#include "http/chunked_decoder.h"
#include "http/request_parser.h"

namespace h1::core {

class Connection {
 public:
  // With a pool, the buffers are borrowed while the connection is busy and given back
  // whenever it is idle; without one, they are allocated on first input and kept.
  Connection(const Config& config, Files& files, Now now, BufferPool* pool = nullptr);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Free space to read into; empty while the connection does not want input (or, rarely,
  // when no memory is left: the connection is then closed).
  [[nodiscard]] std::span<char> read_space() noexcept;
  // n bytes were stored at the start of read_space().
  void on_read(std::size_t n, Now now) noexcept;
  // The peer finished sending (read returned 0) or the read side failed.
  void on_eof(Now now) noexcept;

  // Output waiting to be written, in order; the driver may write any prefix. The front
  // segment is already advanced past every byte acknowledged with on_sent, and no
  // segment is ever empty.
  [[nodiscard]] std::span<const Segment> pending() const noexcept;
  // n bytes from the front of pending() reached the socket.
  void on_sent(std::size_t n, Now now) noexcept;
  // A file segment hit end of file before its length: the file shrank. Closes.
  void on_file_short(Now now) noexcept;
  // Writing failed (EPIPE, ECONNRESET...): nothing more can be sent. Closes.
  void on_write_error() noexcept;

  // All output is flushed and the connection is closing: half-close the socket now.
  [[nodiscard]] bool wants_shutdown() const noexcept;
  // The driver performed shutdown(SHUT_WR); input is now drained until EOF or linger timeout.
  void on_shutdown(Now now) noexcept;

  // Whether the driver should read (false while output is backlogged or after close).
  // When true, read_space() is non-empty.
  [[nodiscard]] bool wants_read() const noexcept;
  // Whether pending() is non-empty.
  [[nodiscard]] bool wants_write() const noexcept { return seg_first_ < segments_.size(); }
  // Earliest time at which on_timer must be called; TimePoint::max() when none.
  [[nodiscard]] TimePoint deadline() const noexcept { return deadline_; }
  void on_timer(Now now) noexcept;

  // Graceful stop: finish the response in flight, then close; close at once if idle.
  void begin_shutdown(Now now) noexcept;
  // The socket can be closed and this object destroyed.
  [[nodiscard]] bool closed() const noexcept { return state_ == State::closed; }
  // True between requests with nothing buffered or pending (safe to drop at shutdown).
  [[nodiscard]] bool idle() const noexcept;

 private:
  enum class State : std::uint8_t {
    head,       // reading a request head
    body,       // discarding a request body
    closing,    // final response queued; flushing it
    lingering,  // write side shut; draining input until EOF or linger timeout
    closed,
  };

  void process(Now now) noexcept;
  bool step_head(Now now) noexcept;
  bool step_stash() noexcept;
  bool step_body() noexcept;
  Persistence respond(const http::Request& req, Persistence persistence, Now now) noexcept;
  void respond_status(int status, bool head_only, Now now) noexcept;
  void queue_plan(ResponsePlan& plan, std::size_t head_start) noexcept;
  bool stage_inline_body(ResponsePlan& plan, std::size_t head_start) noexcept;
  void push_bytes(const char* data, std::size_t size) noexcept;
  void pop_segment() noexcept;
  void start_closing() noexcept;
  void close_now() noexcept;
  void release_segments() noexcept;
  void compact_input() noexcept;
  [[nodiscard]] bool acquire_buffers() noexcept;
  [[nodiscard]] bool take_scratch(std::size_t n) noexcept;
  void release_buffers_if_idle() noexcept;
  void return_buffers() noexcept;
  void update_deadline() noexcept;
  [[nodiscard]] bool output_has_room() const noexcept;
  [[nodiscard]] Persistence persistence_for(const http::Request& req) const noexcept;
  [[nodiscard]] HandlerContext context(Now now) noexcept;

  const Config* config_;
  Files* files_;
  State state_ = State::head;
  bool shutting_down_ = false;
  bool peer_eof_ = false;
  bool close_at_once_ = false;  // the client announced close and left nothing unread

  BufferPool* pool_;
  BufferSizes sizes_;
  std::unique_ptr<WorkBuffers> buf_;  // null while idle with a pool (and before any input)
  std::size_t in_begin_ = 0;          // first unconsumed byte of buf_->in (or of stash_)
  std::size_t in_end_ = 0;            // one past the last received byte
  // Without buffers, the start of a head waits here: a client that drips its head a byte at
  // a time (slowloris) borrows no block, and costs no page faults, until its head is
  // complete or outgrows the stash.
  static constexpr std::size_t kStash = 256;
  char stash_[kStash];
  bool reading_scratch_ = false;  // read_space() handed out the pool's scratch

  std::size_t out_used_ = 0;
  std::vector<Segment> segments_;  // swapped with buf_->segments: no capacity while idle
  std::size_t seg_first_ = 0;      // segments before this index are sent

  http::RequestParser parser_;
  http::ChunkedDecoder chunked_;
  bool body_chunked_ = false;
  std::uint64_t body_remaining_ = 0;

  char date_[32] = {};
  std::int64_t date_second_ = -1;

  bool head_timing_ = false;  // head_started_ is meaningful
  TimePoint head_started_{};
  TimePoint last_activity_{};
  TimePoint linger_started_{};
  TimePoint deadline_{};
};

}  // namespace h1::core
