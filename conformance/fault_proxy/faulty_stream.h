// The two byte streams of one relayed connection, cut into messages so that a fault can edit
// heads. Both streams forward every byte they cannot make sense of unchanged (passthrough):
// the relay must never lose or reorder bytes, only the chosen fault may change them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "faulty_fault.h"

namespace h1spec::faulty {

// One request's place in the response order, shared by the two streams of a connection.
struct Exchange {
  enum class Kind : std::uint8_t {
    relayed,       ///< forwarded; the upstream's response has a body as framed
    relayed_head,  ///< forwarded as HEAD; the upstream's response has no body
    local,         ///< answered by the relay itself with `reply`
    untracked,     ///< the request stream lost track here; later responses are relayed raw
  };
  Kind kind = Kind::relayed;
  std::string reply;
};
using Exchanges = std::deque<Exchange>;

// Follows a chunked body (sizes, extensions, data, trailers) without changing it.
class ChunkTracker {
 public:
  enum class Step : std::uint8_t { more, done, error };
  // Reads bytes of the body from `in`; returns how many belong to it and sets `step`.
  std::size_t consume(std::string_view in, Step& step);

 private:
  enum class State : std::uint8_t { size, extension, data, data_end, trailer };
  // The end of a chunk-size line: on to the data, or to the trailers after the last chunk.
  [[nodiscard]] bool end_size_line();

  State state_ = State::size;
  std::uint64_t size_ = 0;
  int digits_ = 0;
  bool line_empty_ = true;
};

// The client-to-upstream stream: finds request heads, lets the fault edit or answer them,
// and records each request in `exchanges` for the response stream.
class RequestStream {
 public:
  RequestStream(Fault fault, std::string root, Exchanges& exchanges);
  // Takes bytes the client sent; appends the bytes the upstream must get to `up`.
  void feed(std::string_view in, std::string& up);
  // The client will send no more: a head still held goes upstream as it is.
  void finish(std::string& up);
  // True while part of a head is held back, waiting for the rest of it.
  [[nodiscard]] bool holding() const { return hold_ && state_ == State::head && !head_.empty(); }
  // Stops holding for good: a client that went quiet mid-head is waiting for the server (a
  // timeout or an early 400/431), and the server must see the same bytes it would directly.
  void release(std::string& up) { give_up(up); }

 private:
  enum class State : std::uint8_t { head, body_length, body_chunked, passthrough };
  // Consumes the part of `in` that extends the current head; returns what is left.
  std::string_view take_head(std::string_view in, std::string& up);
  // Handles the complete head in head_ and picks the state for its body.
  void on_head(std::string& up);
  // Consumes body bytes of the current request; returns what is left.
  std::string_view take_body(std::string_view in, std::string& up);
  // Stops parsing for good: held bytes go upstream, everything after is relayed raw.
  void give_up(std::string& up);

  Fault fault_;
  std::string root_;
  Exchanges& exchanges_;
  bool hold_;
  State state_ = State::head;
  std::string head_;
  std::uint64_t remaining_ = 0;
  bool drop_body_ = false;  ///< the request was answered locally, so its body goes nowhere
  ChunkTracker chunks_;
};

// The upstream-to-client stream: finds response heads, lets the fault edit them, and slots
// locally answered requests in at their turn.
class ResponseStream {
 public:
  ResponseStream(Fault fault, Exchanges& exchanges);
  // Takes bytes the upstream sent; appends the bytes the client must get to `down`.
  void feed(std::string_view in, std::string& down);
  // Appends the local replies whose turn has come, i.e. that no earlier response precedes.
  void flush_local(std::string& down);
  // The upstream will send no more: a head still held goes to the client as it is.
  void finish(std::string& down);
  // Starts over for a fresh upstream connection.
  void reset();

 private:
  enum class State : std::uint8_t { head, body, passthrough };
  // Consumes the part of `in` that extends the current head; returns what is left.
  std::string_view take_head(std::string_view in, std::string& down);
  // Handles the complete head in head_ and picks the state for its body.
  void on_head(std::string& down);

  Fault fault_;
  Exchanges& exchanges_;
  bool hold_;
  State state_ = State::head;
  std::string head_;
  std::uint64_t remaining_ = 0;
};

}  // namespace h1spec::faulty
