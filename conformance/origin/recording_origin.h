// The recording origin: a scripted HTTP/1.1 server on loopback that h1spec puts behind a
// reverse proxy. It keeps every byte the proxy sends, cut into requests by h1spec's own strict
// reader (wire/request_reader.h), and answers each complete request with scripted raw bytes,
// which may be deliberately invalid. The grader then compares what the client sent with what
// reached the origin (issue 18: request smuggling shows up as the two views disagreeing).
//
// Threading: start() runs one background thread that owns every socket (poll-based). All
// other members may be called from any thread; what they read or change is guarded by one
// mutex, so snapshot() is always a consistent picture taken between two events.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wire/http_request.h"

namespace h1spec::origin {

// What the origin does once a reply's bytes are written.
enum class AfterReply : std::uint8_t {
  keep_open,           ///< go on reading: the next request on this connection gets a reply too
  close,               ///< half-close (FIN) after the bytes; later bytes are recorded, not read
  close_without_reply  ///< write nothing, half-close at once
};

struct Reply {
  std::string bytes;  ///< written as is: no framing is added or checked
  AfterReply after = AfterReply::keep_open;
};

// Reply i answers the i-th complete request the origin reads, counted across all connections
// in the order the origin finished reading them (one thread reads, so the order is total).
// Global rather than per connection because a proxy chooses its upstream connections itself:
// a case scripts "the first request to arrive gets this" without knowing how the proxy pools.
// Past the end of the list, every request gets the default answer and the connection stays
// open: Options::docroot's file (origin/docroot_reply.h) when set, else default_reply(i).
struct Script {
  std::vector<Reply> replies;
  /// With Options::relay_port set: connections accepted from now on are relayed to the back
  /// end instead of answered (replies unused). Without it: ignored.
  bool relay = false;
};

// "HTTP/1.1 200 OK" with Content-Type text/plain, Content-Length and the body "request I\n";
// for a HEAD request the same head without the body.
[[nodiscard]] std::string default_reply(std::size_t index, bool head_request);

// What answers a request the strict reader rejects: 400 with Connection: close, then the
// origin half-closes. It consumes no script reply.
[[nodiscard]] const std::string& malformed_reply();

struct RecordedRequest {
  std::size_t connection = 0;  ///< RecordedConnection::id
  std::size_t index = 0;       ///< global order of arrival: Script::replies[index] answered it
  Request request;             ///< begin/end are offsets in RecordedConnection::received
};

struct RecordedConnection {
  std::size_t id = 0;                ///< accept order from 0, counted again from 0 after reset()
  std::string received;              ///< every byte received, in order, up to the byte cap
  std::uint64_t bytes_received = 0;  ///< all bytes, including any past the cap
  bool truncated = false;            ///< the cap was hit: received is the first part; reading
                                     ///< requests stopped there
  std::vector<RecordedRequest> requests;  ///< complete requests in order
  std::string error;                      ///< the strict reader's error, empty when none
  std::size_t error_offset = 0;           ///< where in received the unreadable request begins
  std::string sent;                       ///< every byte the origin wrote, up to the byte cap
  bool peer_closed = false;               ///< the peer's FIN (or a reset) arrived
  bool origin_closed = false;             ///< the origin half-closed (script, malformed request)
  [[nodiscard]] bool malformed() const { return !error.empty(); }
};

struct Snapshot {
  std::vector<RecordedConnection> connections;  ///< in accept order
  std::size_t requests = 0;         ///< complete requests on all connections (the next index)
  std::size_t refused = 0;          ///< connections closed unread because the cap was hit
  bool connections_capped = false;  ///< refused > 0
  std::uint64_t generation = 0;     ///< grows with every recorded event

  // Every request of every connection, in global index order.
  [[nodiscard]] std::vector<const RecordedRequest*> in_order() const;
};

struct Options {
  std::string host = "127.0.0.1";  ///< must be a loopback address (127.0.0.0/8 or localhost)
  int port = 0;                    ///< 0: an ephemeral port, see port()
  std::size_t max_bytes_per_connection = 1'048'576;  ///< cap of received (and of sent)
  std::size_t max_connections = 256;  ///< recorded per reset(); later ones are refused
  std::string docroot;  ///< when set, requests past the script are served from these files
  /// Relay mode (relay_port > 0 and Script::relay): each connection is relayed byte for byte
  /// to a fresh connection to relay_host:relay_port (loopback only) and recorded both ways;
  /// requests are still cut and recorded, but nothing is answered by the origin itself.
  std::string relay_host = "127.0.0.1";
  int relay_port = 0;
};

class RecordingOrigin {
 public:
  explicit RecordingOrigin(Options options = {});
  ~RecordingOrigin();  // stop()
  RecordingOrigin(const RecordingOrigin&) = delete;
  RecordingOrigin& operator=(const RecordingOrigin&) = delete;

  // Binds, listens and starts the thread. false with error set when the host is not a
  // loopback address (checked before any socket exists), or binding fails.
  [[nodiscard]] bool start(std::string& error);
  // The port listened on (the real one when Options::port was 0); 0 before start().
  [[nodiscard]] int port() const;

  // Replaces the script; the next request read gets replies[next index]. Thread-safe.
  void set_script(Script script);
  [[nodiscard]] Snapshot snapshot() const;
  // Closes every connection, forgets every record and restarts the reply count at 0; the
  // script stays. Returns once done, so the next case starts from nothing.
  void reset();
  // Closes everything and joins the thread. Idempotent.
  void stop();

  // Waits until the snapshot's generation exceeds `seen` or the timeout passes; returns the
  // generation then. For followers such as h1origin's log.
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) const;
  // Waits until at least n complete requests were read; false on timeout.
  [[nodiscard]] bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

  // What clients sent through the proxy in front of this origin in earlier exchanges (the last
  // kClientHistory requests, oldest first; reset() keeps them). A proxy may forward a request
  // after its client has gone, into the next exchange's recording: the smuggling oracle then
  // knows it for a late forward, not a smuggled request. Thread-safe.
  // `generation` is the snapshot's generation when the exchange was judged: anything newer
  // came after it, and the next exchange waits for the origin to go quiet before its reset.
  static constexpr std::size_t kClientHistory = 8;
  void note_client_requests(const std::vector<Request>& sent, std::uint64_t generation);
  [[nodiscard]] std::vector<Request> earlier_client_requests() const;
  [[nodiscard]] std::uint64_t noted_generation() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace h1spec::origin
