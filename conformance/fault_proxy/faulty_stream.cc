#include "faulty_stream.h"

#include <algorithm>
#include <utility>

#include "faulty_head.h"

namespace h1spec::faulty {

namespace {

// A head that grows past this without ending is not parsed any further. It is well above
// h1ref's own head limit, so every head h1ref could accept is still seen whole.
constexpr std::size_t kMaxHead = 65'536;

// Where one call to extend_head() left the head.
struct HeadScan {
  std::size_t taken = 0;  ///< bytes of the input that belong to the head
  bool complete = false;  ///< the head's empty line has arrived
};

// Appends the bytes of `in` that belong to `head`, up to and including its empty line.
HeadScan extend_head(std::string& head, std::string_view in) {
  // A terminator may begin in the last two bytes seen so far; earlier ones were ruled out.
  const std::size_t from = head.size() >= 2 ? head.size() - 2 : 0;
  head.append(in);
  const std::size_t end = find_head_end(head, from);
  if (end == std::string_view::npos) return {in.size(), false};
  const std::size_t excess = head.size() - end;
  head.resize(end);
  return {in.size() - excess, true};
}

// How many of `available` bytes a body with `remaining` bytes to go still takes.
std::size_t body_part(std::uint64_t remaining, std::size_t available) {
  return static_cast<std::size_t>(std::min<std::uint64_t>(remaining, available));
}

}  // namespace

std::size_t ChunkTracker::consume(std::string_view in, Step& step) {
  step = Step::more;
  std::size_t i = 0;
  while (i < in.size()) {
    if (state_ == State::data) {
      const std::size_t n = body_part(size_, in.size() - i);
      i += n;
      size_ -= n;
      if (size_ == 0) state_ = State::data_end;
      continue;
    }
    const char c = in[i++];
    bool ok = true;
    switch (state_) {
      case State::size:
        if (hex_digit(c) >= 0 && digits_ < 15) {
          size_ = size_ * 16 + static_cast<std::uint64_t>(hex_digit(c));
          ++digits_;
        } else if (c == '\n') {
          ok = end_size_line();
        } else if ((c == ';' || c == ' ' || c == '\t') && digits_ > 0) {
          state_ = State::extension;
        } else {
          ok = c == '\r';
        }
        break;
      case State::extension:
        if (c == '\n') ok = end_size_line();
        break;
      case State::data_end:
        if (c == '\n') {
          state_ = State::size;
          digits_ = 0;
        } else {
          ok = c == '\r';
        }
        break;
      case State::trailer:
        if (c == '\n' && line_empty_) {
          step = Step::done;
          return i;
        }
        if (c != '\r') line_empty_ = c == '\n';
        break;
      case State::data:
        break;
    }
    if (!ok) {
      step = Step::error;
      return i - 1;
    }
  }
  return i;
}

bool ChunkTracker::end_size_line() {
  if (digits_ == 0) return false;
  state_ = size_ == 0 ? State::trailer : State::data;
  line_empty_ = true;
  return true;
}

RequestStream::RequestStream(Fault fault, std::string root, Exchanges& exchanges)
    : fault_(fault), root_(std::move(root)), exchanges_(exchanges), hold_(holds_requests(fault)) {}

void RequestStream::feed(std::string_view in, std::string& up) {
  while (!in.empty()) {
    switch (state_) {
      case State::passthrough:
        up.append(in);
        return;
      case State::head:
        in = take_head(in, up);
        break;
      case State::body_length:
      case State::body_chunked:
        in = take_body(in, up);
        break;
    }
  }
}

void RequestStream::finish(std::string& up) {
  if (hold_ && state_ == State::head) up += head_;
  head_.clear();
}

std::string_view RequestStream::take_head(std::string_view in, std::string& up) {
  if (head_.empty()) {
    // Empty lines before a request line are not part of any head; the server decides.
    const std::size_t blank = std::min(in.find_first_not_of("\r\n"), in.size());
    up.append(in.substr(0, blank));
    in.remove_prefix(blank);
    if (in.empty()) return in;
  }
  const HeadScan scan = extend_head(head_, in);
  if (!hold_) up.append(in.substr(0, scan.taken));
  in.remove_prefix(scan.taken);
  if (scan.complete) {
    on_head(up);
  } else if (head_.size() > kMaxHead) {
    give_up(up);
  }
  return in;
}

void RequestStream::on_head(std::string& up) {
  const std::string head = std::exchange(head_, {});
  const RequestLine line = request_line(head);
  BodyFraming framing;
  if (fault_ == Fault::traversal && escapes_root(line.target)) {
    exchanges_.push_back(
        {Exchange::Kind::local, serve_naively(root_, line.target, line.method == "HEAD")});
    framing = request_framing(head);
    drop_body_ = true;
  } else {
    // Framing and HEAD-ness are read from the bytes the upstream gets, since it answers those.
    const std::string sent = hold_ ? rewrite_request(fault_, head) : head;
    if (hold_) up += sent;
    const bool head_method = request_line(sent).method == "HEAD";
    exchanges_.push_back(
        {head_method ? Exchange::Kind::relayed_head : Exchange::Kind::relayed, {}});
    framing = request_framing(sent);
    drop_body_ = false;
  }
  switch (framing.kind) {
    case BodyFraming::Kind::none:
      state_ = State::head;
      break;
    case BodyFraming::Kind::length:
      remaining_ = framing.length;
      state_ = State::body_length;
      break;
    case BodyFraming::Kind::chunked:
      chunks_ = ChunkTracker{};
      state_ = State::body_chunked;
      break;
    case BodyFraming::Kind::unknown:
      give_up(up);
      break;
  }
}

std::string_view RequestStream::take_body(std::string_view in, std::string& up) {
  std::size_t n = 0;
  if (state_ == State::body_length) {
    n = body_part(remaining_, in.size());
    remaining_ -= n;
    if (remaining_ == 0) state_ = State::head;
  } else {
    ChunkTracker::Step step = ChunkTracker::Step::more;
    n = chunks_.consume(in, step);
    if (step == ChunkTracker::Step::done) state_ = State::head;
    if (step == ChunkTracker::Step::error) give_up(up);
  }
  if (!drop_body_) up.append(in.substr(0, n));
  return in.substr(n);
}

void RequestStream::give_up(std::string& up) {
  if (hold_) up += head_;
  head_.clear();
  exchanges_.push_back({Exchange::Kind::untracked, {}});
  state_ = State::passthrough;
}

ResponseStream::ResponseStream(Fault fault, Exchanges& exchanges)
    : fault_(fault), exchanges_(exchanges), hold_(holds_responses(fault)) {}

void ResponseStream::feed(std::string_view in, std::string& down) {
  while (!in.empty()) {
    switch (state_) {
      case State::passthrough:
        down.append(in);
        in = {};
        break;
      case State::head:
        in = take_head(in, down);
        break;
      case State::body: {
        const std::size_t n = body_part(remaining_, in.size());
        down.append(in.substr(0, n));
        in.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::head;
        break;
      }
    }
    flush_local(down);
  }
}

void ResponseStream::flush_local(std::string& down) {
  const bool between = (state_ == State::head && head_.empty()) || state_ == State::passthrough;
  while (between && !exchanges_.empty() && exchanges_.front().kind == Exchange::Kind::local) {
    down += exchanges_.front().reply;
    exchanges_.pop_front();
  }
}

void ResponseStream::finish(std::string& down) {
  if (hold_ && state_ == State::head) down += head_;
  head_.clear();
  state_ = State::passthrough;
  flush_local(down);
}

void ResponseStream::reset() {
  state_ = State::head;
  head_.clear();
  remaining_ = 0;
}

std::string_view ResponseStream::take_head(std::string_view in, std::string& down) {
  const HeadScan scan = extend_head(head_, in);
  if (!hold_) down.append(in.substr(0, scan.taken));
  in.remove_prefix(scan.taken);
  if (scan.complete) {
    on_head(down);
  } else if (head_.size() > kMaxHead) {
    if (hold_) down += head_;
    head_.clear();
    state_ = State::passthrough;
  }
  return in;
}

void ResponseStream::on_head(std::string& down) {
  const std::string head = std::exchange(head_, {});
  const int status = response_status(head);
  const bool interim = status >= 100 && status < 200;
  Exchange::Kind kind = Exchange::Kind::relayed;
  // A local reply at the front means this response was not asked for (an early 400 or 408
  // for a head the request stream has not finished): it takes no place in the order.
  if (!interim && !exchanges_.empty() && exchanges_.front().kind != Exchange::Kind::local) {
    kind = exchanges_.front().kind;
    exchanges_.pop_front();
  }
  const bool lost = kind == Exchange::Kind::untracked || status < 0;
  if (hold_) down += lost ? head : rewrite_response(fault_, head);
  if (lost || status == 101) {
    state_ = State::passthrough;
    return;
  }
  const BodyFraming framing = response_framing(head, kind == Exchange::Kind::relayed_head);
  switch (framing.kind) {
    case BodyFraming::Kind::none:
      state_ = State::head;
      break;
    case BodyFraming::Kind::length:
      remaining_ = framing.length;
      state_ = State::body;
      break;
    case BodyFraming::Kind::chunked:
    case BodyFraming::Kind::unknown:
      state_ = State::passthrough;
      break;
  }
}

}  // namespace h1spec::faulty
