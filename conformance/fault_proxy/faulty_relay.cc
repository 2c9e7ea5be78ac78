#include "faulty_relay.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>

#include "faulty_stream.h"

namespace h1spec::faulty {

namespace {

using Clock = std::chrono::steady_clock;

// A side stops being read while this much is queued for the other side (backpressure).
constexpr std::size_t kMaxQueued = 1 << 20;
constexpr std::size_t kReadChunk = 65'536;
// Short enough that SIGTERM is noticed quickly, long enough not to spin.
constexpr int kPollMs = 200;
// A head held for rewriting is let go once the client has sent nothing for this long, and
// poll wakes often enough to notice it.
constexpr auto kHoldQuiet = std::chrono::milliseconds(250);
constexpr int kHoldPollMs = 25;
// After the client's write side is shut, its late bytes are drained this long so that closing
// with unread input does not turn into a reset that destroys the response in flight.
constexpr auto kLinger = std::chrono::seconds(2);
// A connection on which nothing at all happens this long is abandoned.
constexpr auto kIdle = std::chrono::seconds(120);

// What one read or write did to a socket.
enum class Io : std::uint8_t { progress, would_block, eof, failed };

// Reads once into `buf`; `n` is set on progress.
Io read_some(int fd, std::array<char, kReadChunk>& buf, std::size_t& n) {
  const ssize_t got = ::recv(fd, buf.data(), buf.size(), 0);
  if (got > 0) {
    n = static_cast<std::size_t>(got);
    return Io::progress;
  }
  if (got == 0) return Io::eof;
  return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? Io::would_block : Io::failed;
}

// Sends as much of `queue` as the socket takes and removes it from the queue.
Io write_some(int fd, std::string& queue) {
  const ssize_t sent = ::send(fd, queue.data(), queue.size(), MSG_NOSIGNAL);
  if (sent >= 0) {
    queue.erase(0, static_cast<std::size_t>(sent));
    return Io::progress;
  }
  return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? Io::would_block : Io::failed;
}

// The relay state of one client connection; run() drives it to the end.
class Relay {
 public:
  Relay(Fd client, const RelayConfig& config, const std::atomic<bool>& stop)
      : client_(std::move(client)),
        config_(config),
        stop_(stop),
        requests_(config.fault, config.root, exchanges_),
        responses_(config.fault, exchanges_) {}

  // Relays until the connection is finished, fails, or the tool is told to stop.
  void run();

 private:
  // Moves the connection on without waiting; false when it is finished.
  [[nodiscard]] bool advance();
  // Waits for the sockets and serves what they offer; false when the connection must end.
  [[nodiscard]] bool poll_once();
  // Reads from the client and passes the bytes through the request stream.
  [[nodiscard]] bool on_client_readable();
  // Reads from the upstream and passes the bytes through the response stream.
  void on_upstream_readable();
  // The upstream can take no more bytes; what is queued for it is dropped.
  void upstream_broken();

  Fd client_;
  Fd upstream_;
  const RelayConfig& config_;
  const std::atomic<bool>& stop_;
  Exchanges exchanges_;
  RequestStream requests_;
  ResponseStream responses_;
  std::string to_upstream_;
  std::string to_client_;
  std::array<char, kReadChunk> buf_{};
  std::size_t client_bytes_ = 0;  ///< bytes read from the client, for read-1024
  bool client_eof_ = false;
  bool upstream_shut_ = false;  ///< our write side towards the upstream is shut
  bool upstream_eof_ = false;
  bool upstream_broken_ = false;
  bool lingering_ = false;
  Clock::time_point linger_until_{};
  Clock::time_point last_activity_ = Clock::now();
  Clock::time_point last_client_bytes_ = Clock::now();
};

void Relay::run() {
  upstream_ = connect_to(config_.upstream);
  if (!upstream_.valid()) return;
  while (!stop_.load(std::memory_order_relaxed) && advance() && poll_once()) {
  }
}

bool Relay::advance() {
  if (requests_.holding() && Clock::now() - last_client_bytes_ >= kHoldQuiet) {
    requests_.release(to_upstream_);
  }
  if (upstream_broken_) to_upstream_.clear();
  if (client_eof_ && to_upstream_.empty() && upstream_.valid() && !upstream_shut_) {
    // The client's half-close is passed on, so the upstream sees the same end of requests.
    (void)::shutdown(upstream_.get(), SHUT_WR);
    upstream_shut_ = true;
  }
  if (upstream_eof_ && to_client_.empty() && !lingering_) {
    if (config_.fault == Fault::ignore_close && !client_eof_) {
      // The defect: the server's close is not passed on; the next bytes get a new upstream.
      upstream_ = Fd{};
      upstream_eof_ = upstream_shut_ = upstream_broken_ = false;
      responses_.reset();
      exchanges_.clear();
    } else {
      (void)::shutdown(client_.get(), SHUT_WR);
      lingering_ = true;
      linger_until_ = Clock::now() + kLinger;
    }
  }
  if (lingering_) return !client_eof_ && Clock::now() < linger_until_;
  if (!upstream_.valid()) {
    if (client_eof_ && to_upstream_.empty() && to_client_.empty()) return false;
    if (!to_upstream_.empty()) {
      upstream_ = connect_to(config_.upstream);
      if (!upstream_.valid()) return false;
    }
  }
  return Clock::now() - last_activity_ < kIdle;
}

bool Relay::poll_once() {
  std::array<pollfd, 2> fds{};
  short client_events = 0;
  if (!client_eof_ && (lingering_ || to_upstream_.size() < kMaxQueued)) client_events |= POLLIN;
  if (!lingering_ && !to_client_.empty()) client_events |= POLLOUT;
  short upstream_events = 0;
  if (upstream_.valid() && !upstream_eof_ && to_client_.size() < kMaxQueued) {
    upstream_events |= POLLIN;
  }
  if (upstream_.valid() && !to_upstream_.empty()) upstream_events |= POLLOUT;
  // A descriptor with nothing wanted is left out: a hung-up socket would otherwise wake
  // poll on every turn.
  fds[0] = {client_events != 0 ? client_.get() : -1, client_events, 0};
  fds[1] = {upstream_events != 0 ? upstream_.get() : -1, upstream_events, 0};
  const int ready = ::poll(fds.data(), fds.size(), requests_.holding() ? kHoldPollMs : kPollMs);
  if (ready < 0) return errno == EINTR;
  if (ready == 0) return true;
  last_activity_ = Clock::now();
  constexpr short kReadable = POLLIN | POLLHUP | POLLERR;
  if ((fds[0].revents & kReadable) != 0 && !client_eof_ && !on_client_readable()) return false;
  if ((fds[0].revents & POLLOUT) != 0 && write_some(client_.get(), to_client_) == Io::failed) {
    return false;
  }
  if ((fds[1].revents & kReadable) != 0 && !upstream_eof_) on_upstream_readable();
  if ((fds[1].revents & POLLOUT) != 0 && upstream_.valid() && !to_upstream_.empty() &&
      write_some(upstream_.get(), to_upstream_) == Io::failed) {
    upstream_broken();
  }
  return true;
}

bool Relay::on_client_readable() {
  std::size_t n = 0;
  switch (read_some(client_.get(), buf_, n)) {
    case Io::would_block:
      return true;
    case Io::failed:
      return false;
    case Io::eof:
      client_eof_ = true;
      if (!lingering_) requests_.finish(to_upstream_);
      return true;
    case Io::progress:
      break;
  }
  if (lingering_) return true;
  last_client_bytes_ = Clock::now();
  std::string_view in(buf_.data(), n);
  if (config_.fault == Fault::read_1024) {
    // The defect: one recv(1024) is taken as the whole request, later bytes are never read.
    in = in.substr(0, kReadOnce - std::min(client_bytes_, kReadOnce));
  }
  client_bytes_ += n;
  requests_.feed(in, to_upstream_);
  responses_.flush_local(to_client_);
  return true;
}

void Relay::on_upstream_readable() {
  std::size_t n = 0;
  switch (read_some(upstream_.get(), buf_, n)) {
    case Io::would_block:
      return;
    case Io::failed:
      upstream_broken();
      [[fallthrough]];
    case Io::eof:
      upstream_eof_ = true;
      responses_.finish(to_client_);
      return;
    case Io::progress:
      responses_.feed(std::string_view(buf_.data(), n), to_client_);
      return;
  }
}

void Relay::upstream_broken() {
  upstream_broken_ = true;
  to_upstream_.clear();
}

}  // namespace

void relay_connection(Fd client, const RelayConfig& config, const std::atomic<bool>& stop) {
  Relay relay(std::move(client), config, stop);
  relay.run();
}

}  // namespace h1spec::faulty
