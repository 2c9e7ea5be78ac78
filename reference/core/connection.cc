#include "core/connection.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

#include "core/error_status.h"
#include "http/http_date.h"

namespace h1::core {

Connection::Connection(const Config& config, Files& files, Now now, BufferPool* pool)
    : config_(&config),
      files_(&files),
      pool_(pool),
      sizes_(pool != nullptr ? pool->sizes() : buffer_sizes(config)),
      parser_(config_->limits, {}),
      chunked_(config_->limits),
      last_activity_(now.mono) {
  update_deadline();
}

Connection::~Connection() {
  release_segments();
  return_buffers();
}

std::span<char> Connection::read_space() noexcept {
  if (!wants_read()) return {};
  // Without buffers, read into the pool's shared scratch: on_read keeps a short partial
  // request line in the stash, so a slow client borrows nothing until it sends a line.
  if (!buf_ && pool_ != nullptr && (state_ == State::head || state_ == State::lingering)) {
    reading_scratch_ = true;
    return {pool_->scratch(), sizes_.in - in_end_};
  }
  reading_scratch_ = false;
  if (!acquire_buffers()) {
    close_now();
    return {};
  }
  compact_input();
  return {buf_->in + in_end_, sizes_.in - in_end_};
}

bool Connection::acquire_buffers() noexcept {
  if (buf_) return true;
  if (pool_ != nullptr) {
    buf_ = pool_->take();
  } else {
    try {
      buf_ = make_buffers(sizes_);
    } catch (const std::bad_alloc&) {
      buf_.reset();
    }
  }
  if (!buf_) return false;
  segments_.swap(buf_->segments);  // nothing is pending while the buffers are away
  parser_.set_storage(buf_->fields);
  if (in_end_ > 0) {  // a partial request line moves out of the stash
    std::memcpy(buf_->in, stash_, in_end_);
    parser_.reset();  // its views pointed into the stash; it re-reads the line
  }
  return true;
}

// Bytes read into the pool's scratch: kept in the stash while the head so far fits there,
// otherwise moved into borrowed buffers.
bool Connection::take_scratch(std::size_t n) noexcept {
  const char* const src = pool_->scratch();
  n = std::min(n, sizes_.in - in_end_);
  if (!buf_ && in_end_ + n <= kStash) {
    std::memcpy(stash_ + in_end_, src, n);
  } else {
    if (!acquire_buffers()) return false;
    std::memcpy(buf_->in + in_end_, src, n);
  }
  in_end_ += n;
  return true;
}

// Idle between requests, nothing buffered, nothing pending: the pool gets the buffers back.
void Connection::release_buffers_if_idle() noexcept {
  if (pool_ == nullptr || !buf_ || state_ != State::head || head_timing_ || in_begin_ != in_end_ ||
      seg_first_ != segments_.size()) {
    return;
  }
  in_begin_ = in_end_ = 0;
  return_buffers();
}

void Connection::return_buffers() noexcept {
  if (!buf_) return;
  segments_.clear();
  seg_first_ = 0;
  out_used_ = 0;
  segments_.swap(buf_->segments);
  parser_.reset();
  parser_.set_storage({});
  if (pool_ != nullptr) pool_->give(std::move(buf_));
  buf_.reset();
}

bool Connection::wants_read() const noexcept {
  if (state_ == State::lingering) return true;
  if (state_ != State::head && state_ != State::body) return false;
  if (peer_eof_ || !output_has_room()) return false;
  return in_end_ < sizes_.in || in_begin_ > 0;
}

bool Connection::idle() const noexcept {
  return state_ == State::head && seg_first_ == segments_.size() && in_begin_ == in_end_;
}

void Connection::on_read(std::size_t n, Now now) noexcept {
  if (state_ == State::closed) return;
  last_activity_ = now.mono;
  if (state_ == State::lingering) {
    in_begin_ = in_end_ = 0;  // drained and dropped
    reading_scratch_ = false;
    return;
  }
  if (std::exchange(reading_scratch_, false)) {
    if (!take_scratch(n)) {
      close_now();
      return;
    }
  } else {
    in_end_ += std::min(n, sizes_.in - in_end_);
  }
  process(now);
}

void Connection::on_eof(Now now) noexcept {
  peer_eof_ = true;
  if (state_ == State::lingering) {
    close_now();
    return;
  }
  process(now);
}

std::span<const Segment> Connection::pending() const noexcept {
  return {segments_.data() + seg_first_, segments_.size() - seg_first_};
}

void Connection::on_sent(std::size_t n, Now now) noexcept {
  last_activity_ = now.mono;
  while (n > 0 && seg_first_ < segments_.size()) {
    Segment& s = segments_[seg_first_];
    if (s.kind == Segment::Kind::bytes) {
      const std::size_t take = std::min(n, s.size);
      s.data += take;
      s.size -= take;
      n -= take;
      if (s.size == 0) pop_segment();
    } else {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, s.length));
      s.offset += take;
      s.length -= take;
      n -= take;
      if (s.length == 0) pop_segment();
    }
  }
  if (seg_first_ == segments_.size()) {
    segments_.clear();
    seg_first_ = 0;
    out_used_ = 0;
    if (state_ == State::closing && close_at_once_) {
      close_now();
      return;
    }
  }
  if (state_ == State::head || state_ == State::body) process(now);
  update_deadline();
  release_buffers_if_idle();
}

void Connection::pop_segment() noexcept {
  segments_[seg_first_].file.reset();  // a sent file closes at once, not when the batch ends
  ++seg_first_;
}

void Connection::on_file_short(Now) noexcept { close_now(); }

void Connection::on_write_error() noexcept { close_now(); }

bool Connection::wants_shutdown() const noexcept {
  return state_ == State::closing && seg_first_ == segments_.size();
}

void Connection::on_shutdown(Now now) noexcept {
  if (state_ != State::closing) return;
  if (peer_eof_) {
    close_now();
    return;
  }
  state_ = State::lingering;
  linger_started_ = now.mono;
  in_begin_ = in_end_ = 0;
  update_deadline();
}

void Connection::on_timer(Now now) noexcept {
  if (state_ == State::closed || now.mono < deadline_) return;
  const bool partial_head = state_ == State::head && head_timing_;
  if (partial_head && seg_first_ == segments_.size()) {
    if (!acquire_buffers()) {
      close_now();
      return;
    }
    respond_status(408, false, now);  // RFC 9110 §15.5.9: then close
    return;
  }
  close_now();
}

void Connection::begin_shutdown(Now) noexcept {
  shutting_down_ = true;
  if (state_ == State::lingering || state_ == State::closed || state_ == State::closing) return;
  if (seg_first_ == segments_.size()) {
    close_now();
  } else {
    start_closing();
  }
}

void Connection::process(Now now) noexcept {
  for (;;) {
    if (state_ == State::body) {
      if (!step_body()) break;
      continue;
    }
    if (state_ != State::head) break;
    if (!output_has_room()) {
      update_deadline();
      return;  // resumed by on_sent once output drains
    }
    if (!step_head(now)) break;
  }
  if (peer_eof_ && (state_ == State::head || state_ == State::body)) start_closing();
  update_deadline();
}

bool Connection::step_head(Now now) noexcept {
  if (in_begin_ == in_end_) return false;
  if (!head_timing_) {
    head_timing_ = true;
    head_started_ = now.mono;
  }
  if (!buf_) return step_stash();
  const http::ParseResult r = parser_.parse({buf_->in + in_begin_, in_end_ - in_begin_});
  if (r.need_more()) return false;
  if (r.failed()) {
    // RFC 9110 §9.3.2: no content in any response to HEAD, errors included.
    const bool head = parser_.has_request_line() && parser_.request().line.method == "HEAD";
    respond_status(status_for(r.error), head, now);
    return false;
  }
  const http::Request& req = parser_.request();
  const Persistence persistence = respond(req, persistence_for(req), now);
  in_begin_ += r.consumed;
  body_chunked_ = req.framing == http::BodyFraming::chunked;
  body_remaining_ = req.framing == http::BodyFraming::content_length ? req.content_length : 0;
  const bool client_said_close = req.connection_close;
  parser_.reset();  // req is void from here on
  head_timing_ = false;
  if (persistence == Persistence::close) {
    // Lingering protects input the server has not read (RFC 9112 §9.6). A client that sent
    // "Connection: close" on a bodiless request, with nothing after it, leaves none.
    close_at_once_ =
        client_said_close && !body_chunked_ && body_remaining_ == 0 && in_begin_ == in_end_;
    start_closing();  // RFC 9112 §9.6: no further requests are processed
    return false;
  }
  if (body_chunked_ || body_remaining_ > 0) {
    chunked_.reset();
    state_ = State::body;
  }
  return true;
}

// A partial head in the stash is parsed with the pool's shared field storage, then forgotten:
// it is parsed again from the start when more arrives. A complete or failed head moves into
// borrowed buffers and is parsed there again, so responses never point into the stash.
bool Connection::step_stash() noexcept {
  parser_.set_storage(pool_->scratch_fields());
  const http::ParseResult r = parser_.parse({stash_ + in_begin_, in_end_ - in_begin_});
  parser_.reset();
  parser_.set_storage({});
  if (r.need_more()) return false;
  if (!acquire_buffers()) {
    close_now();
    return false;
  }
  return true;
}

bool Connection::step_body() noexcept {
  if (!body_chunked_) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(body_remaining_, in_end_ - in_begin_));
    in_begin_ += n;
    body_remaining_ -= n;
    if (body_remaining_ != 0) return false;
    state_ = State::head;
    return true;
  }
  while (in_begin_ < in_end_) {
    const http::ChunkStep s = chunked_.step({buf_->in + in_begin_, in_end_ - in_begin_});
    in_begin_ += s.consumed;
    if (s.status == http::ParseStatus::error || chunked_.data_bytes() > config_->max_discard_body) {
      start_closing();  // the response already went out; the framing is lost
      return false;
    }
    if (s.status == http::ParseStatus::complete) {
      state_ = State::head;
      return true;
    }
  }
  return false;
}

Persistence Connection::persistence_for(const http::Request& req) const noexcept {
  const bool http10 = req.line.version_minor == 0;
  bool keep = http10 ? req.connection_keep_alive && !req.connection_close : !req.connection_close;
  const bool has_body =
      req.framing == http::BodyFraming::chunked ||
      (req.framing == http::BodyFraming::content_length && req.content_length > 0);
  // A body too large to discard, or one the client waits to send (100-continue), ends
  // the connection: the response goes out first and the body is never read.
  if (has_body && req.find("Expect") != nullptr) keep = false;
  if (req.framing == http::BodyFraming::content_length &&
      req.content_length > config_->max_discard_body) {
    keep = false;
  }
  if (shutting_down_ || peer_eof_) keep = false;
  if (!keep) return Persistence::close;
  return http10 ? Persistence::keep_alive_announced : Persistence::keep_alive;
}

HandlerContext Connection::context(Now now) noexcept {
  if (now.unix_seconds != date_second_) {
    if (http::format_http_date(now.unix_seconds, {date_, sizeof date_}) == 0) {
      (void)http::format_http_date(0, {date_, sizeof date_});
    }
    date_second_ = now.unix_seconds;
  }
  return HandlerContext{
      config_, files_, {buf_->path_scratch, sizes_.path_scratch}, {date_, http::kHttpDateLength}};
}

Persistence Connection::respond(const http::Request& req, Persistence persistence,
                                Now now) noexcept {
  const std::size_t head_start = out_used_;
  const std::span<char> room{buf_->out + out_used_, sizes_.out - out_used_};
  ResponsePlan plan = plan_response(req, context(now), persistence, room);
  if (plan.head_size == 0 || !stage_inline_body(plan, head_start)) {
    // The head did not fit, or the file shrank after its size went into the head:
    // the promised response cannot be honoured (assigning the 500 closes the file).
    persistence = Persistence::close;
    plan = plan_status(500, context(now), persistence, false, room);
  }
  // Counted before queue_plan, which moves the file handle into a segment.
  const std::uint64_t bytes = !plan.send_body         ? 0
                              : plan.inline_size != 0 ? plan.inline_size
                              : plan.body.file        ? plan.body.length
                                                      : plan.body.text_size;
  queue_plan(plan, head_start);
  if (config_->access_log != nullptr) {
    config_->access_log->record({req.line.method, req.line.target, plan.status, bytes});
  }
  return persistence;
}

void Connection::respond_status(int status, bool head_only, Now now) noexcept {
  if (!acquire_buffers()) {
    close_now();
    return;
  }
  const std::size_t head_start = out_used_;
  const std::span<char> room{buf_->out + out_used_, sizes_.out - out_used_};
  ResponsePlan plan = plan_status(status, context(now), Persistence::close, head_only, room);
  queue_plan(plan, head_start);
  if (config_->access_log != nullptr) {
    config_->access_log->record({"-", "-", status, plan.body.text_size});
  }
  start_closing();
}

// Copies a small file body right after its head, so that both leave in one write.
// Returns false if the file delivered fewer bytes than its size promised.
bool Connection::stage_inline_body(ResponsePlan& plan, std::size_t head_start) noexcept {
  BodyPlan& body = plan.body;
  const std::size_t at = head_start + plan.head_size;
  if (!plan.send_body || !body.file || body.length > config_->inline_body_max ||
      sizes_.out - at < body.length) {
    return true;
  }
  const auto length = static_cast<std::size_t>(body.length);
  std::size_t got = 0;
  while (got < length) {
    const std::size_t n =
        files_->read(body.file, body.offset + got, {buf_->out + at + got, length - got});
    if (n == 0) break;
    got += n;
  }
  if (got < length) return false;
  body.file.reset();  // the bytes are staged: the file is done with
  body.text_size = 0;
  plan.inline_size = length;
  return true;
}

// Takes the plan's file handle, if it sends one; a file with nothing to send closes with the
// plan.
void Connection::queue_plan(ResponsePlan& plan, std::size_t head_start) noexcept {
  if (plan.head_size == 0) {
    close_now();  // not even a generated head fits: nothing sane can be sent
    return;
  }
  out_used_ = head_start + plan.head_size;
  char* const out = buf_->out;
  push_bytes(out + head_start, plan.head_size);
  if (!plan.send_body) return;
  BodyPlan& body = plan.body;
  if (!body.file) {
    if (plan.inline_size == 0) std::memcpy(out + out_used_, body.text, body.text_size);
    const std::size_t n = plan.inline_size == 0 ? body.text_size : plan.inline_size;
    push_bytes(out + out_used_, n);
    out_used_ += n;
    return;
  }
  if (body.length == 0) return;
  Segment seg;
  seg.kind = Segment::Kind::file;
  seg.file = std::move(body.file);
  seg.offset = body.offset;
  seg.length = body.length;
  segments_.push_back(std::move(seg));
}

void Connection::push_bytes(const char* data, std::size_t size) noexcept {
  if (size == 0) return;
  if (!segments_.empty() && seg_first_ < segments_.size()) {
    Segment& last = segments_.back();
    if (last.kind == Segment::Kind::bytes && last.data + last.size == data) {
      last.size += size;  // contiguous: one write covers both
      return;
    }
  }
  Segment s;
  s.data = data;
  s.size = size;
  segments_.push_back(std::move(s));
}

void Connection::start_closing() noexcept {
  if (state_ == State::closed || state_ == State::lingering) return;
  state_ = State::closing;
  head_timing_ = false;
}

void Connection::close_now() noexcept {
  release_segments();
  state_ = State::closed;
  deadline_ = TimePoint::max();
}

// Dropping the unsent segments closes their files.
void Connection::release_segments() noexcept {
  segments_.clear();
  seg_first_ = 0;
  out_used_ = 0;
}

void Connection::compact_input() noexcept {
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
    if (state_ == State::head) parser_.reset();
    return;
  }
  if (in_begin_ == 0 || sizes_.in - in_end_ >= sizes_.in / 4) return;
  std::memmove(buf_->in, buf_->in + in_begin_, in_end_ - in_begin_);
  in_end_ -= in_begin_;
  in_begin_ = 0;
  // Views into the old position are void; the parser re-reads the partial head.
  if (state_ == State::head) parser_.reset();
}

bool Connection::output_has_room() const noexcept {
  return segments_.size() < kMaxSegments &&
         sizes_.out - out_used_ >= kHeadReserve + config_->inline_body_max;
}

void Connection::update_deadline() noexcept {
  if (state_ == State::closed) {
    deadline_ = TimePoint::max();
  } else if (state_ == State::lingering) {
    deadline_ = linger_started_ + config_->linger_timeout;
  } else if (seg_first_ < segments_.size() || state_ != State::head || !head_timing_) {
    deadline_ = last_activity_ + config_->idle_timeout;
  } else {
    deadline_ = head_started_ + config_->header_timeout;
  }
}

}  // namespace h1::core
