#include "origin/recording_origin.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "origin/backend_link.h"
#include "origin/docroot_reply.h"
#include "wire/endpoint.h"
#include "wire/request_reader.h"

namespace h1spec::origin {

namespace {

// The poll timeout only bounds how long a missed wake-up could delay stop() or reset();
// every real event wakes the loop at once (sockets, or the wake pipe).
constexpr int kPollMs = 200;
constexpr std::size_t kReadChunk = 65'536;
constexpr int kAcceptsPerWake = 64;

// One connection as the loop thread sees it; its record lives in Impl::records.
struct Conn {
  int fd = -1;
  std::size_t record = 0;     ///< index in records (== RecordedConnection::id)
  std::size_t parse_pos = 0;  ///< where in received the next request begins
  std::string out;            ///< queued reply bytes not yet written
  bool reading = true;        ///< still cutting requests and answering them
  bool shut_after_flush = false;
  bool write_shut = false;
  bool peer_eof = false;
  std::size_t continued_at = std::string::npos;  ///< parse_pos of the request sent a 100
  BackendLink backend;                           ///< relay mode only
  bool relay = false;  ///< relayed to the back end (decided when accepted)
};

// Whether the head at the start of bytes is complete and asks for 100-continue.
bool head_expects_continue(std::string_view bytes) {
  const std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  std::string head(bytes.substr(0, end + 2));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  for (std::size_t at = head.find("\r\n"); at != std::string::npos;
       at = head.find("\r\n", at + 2)) {
    std::string_view line = std::string_view(head).substr(at + 2);
    line = line.substr(0, line.find("\r\n"));
    if (!line.starts_with("expect:")) continue;
    line.remove_prefix(7);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line == "100-continue") return true;
  }
  return false;
}

void append_capped(std::string& to, std::string_view bytes, std::size_t cap) {
  if (to.size() < cap) to.append(bytes.substr(0, cap - to.size()));
}

}  // namespace

std::string default_reply(std::size_t index, bool head_request) {
  const std::string body = "request " + std::to_string(index) + "\n";
  std::string r = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n";
  if (!head_request) r += body;
  return r;
}

const std::string& malformed_reply() {
  static const std::string r =
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
      "Connection: close\r\n\r\nbad request\n";
  return r;
}

std::vector<const RecordedRequest*> Snapshot::in_order() const {
  std::vector<const RecordedRequest*> out;
  for (const RecordedConnection& c : connections) {
    for (const RecordedRequest& r : c.requests) out.push_back(&r);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->index < b->index; });
  return out;
}

struct RecordingOrigin::Impl {
  Options options;
  int listen_fd = -1;
  int wake_read = -1;
  int wake_write = -1;
  int port = 0;
  std::thread thread;

  mutable std::mutex mu;
  mutable std::condition_variable changed;
  // Guarded by mu.
  std::vector<RecordedConnection> records;
  Script script;
  std::size_t next_index = 0;
  std::size_t refused = 0;
  std::uint64_t generation = 0;
  bool stopping = false;
  bool running = false;
  std::uint64_t resets_asked = 0;
  std::uint64_t resets_done = 0;
  std::vector<Request> client_history;
  std::uint64_t noted_generation = 0;

  // Owned by the loop thread.
  std::vector<Conn> conns;

  void bump() {  // with mu held
    ++generation;
    changed.notify_all();
  }

  void wake() const {
    const char b = 1;
    (void)!::write(wake_write, &b, 1);  // a full pipe already wakes the loop
  }

  void close_conn(Conn& c) {
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    close_backend(c.backend);
  }

  // Cuts and answers every complete request in the unread part of received. With mu held.
  void read_requests(Conn& c, bool eof) {
    RecordedConnection& rec = records[c.record];
    while (c.reading) {
      const std::string_view rest = std::string_view(rec.received).substr(c.parse_pos);
      const RequestReadResult r = read_request(rest, eof && !rec.truncated);
      if (r.status == ReadStatus::need_more) {
        // RFC 9110 §10.1.1: a server that receives 100-continue "MUST either immediately
        // respond with a final status code ... or immediately send a 100 (Continue)"; a proxy
        // that waits for it before sending the body is right to.
        if (!c.relay && c.continued_at != c.parse_pos && head_expects_continue(rest)) {
          c.continued_at = c.parse_pos;
          c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        }
        return;
      }
      if (r.status == ReadStatus::malformed) {
        rec.error = r.error;
        rec.error_offset = c.parse_pos;
        c.reading = false;
        if (c.relay) return;  // the back end answers it
        c.out += malformed_reply();
        c.reading = false;
        c.shut_after_flush = true;
        return;
      }
      if (c.relay) {  // recorded only: the back end answers, through the relay
        c.parse_pos += r.consumed;
        RecordedRequest q;
        q.connection = rec.id;
        q.index = next_index++;
        q.request = r.request;
        q.request.begin += c.parse_pos - r.consumed;
        q.request.end += c.parse_pos - r.consumed;
        rec.requests.push_back(std::move(q));
        continue;
      }
      RecordedRequest q;
      q.connection = rec.id;
      q.index = next_index++;
      q.request = r.request;
      q.request.begin += c.parse_pos;
      q.request.end += c.parse_pos;
      c.parse_pos += r.consumed;
      const Reply reply = q.index < script.replies.size() ? script.replies[q.index]
                          : options.docroot.empty()
                              ? Reply{default_reply(q.index, q.request.method == "HEAD")}
                              : Reply{docroot_reply(options.docroot, q.request)};
      rec.requests.push_back(std::move(q));
      if (reply.after != AfterReply::close_without_reply) c.out += reply.bytes;
      if (reply.after != AfterReply::keep_open) {
        c.reading = false;
        c.shut_after_flush = true;
      }
    }
  }

  void on_readable(Conn& c) {
    std::array<char, kReadChunk> buf{};
    const ssize_t n = ::recv(c.fd, buf.data(), buf.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    const std::lock_guard lock(mu);
    RecordedConnection& rec = records[c.record];
    if (n <= 0) {  // FIN, or a reset: either way nothing more will come
      c.peer_eof = true;
      rec.peer_closed = true;
      read_requests(c, true);
      c.reading = false;
      if (n < 0) {
        c.out.clear();
        close_conn(c);
      }
    } else {
      const auto bytes = std::string_view(buf.data(), static_cast<std::size_t>(n));
      if (c.relay && !c.backend.eof) c.backend.to_backend.append(bytes);
      rec.bytes_received += bytes.size();
      append_capped(rec.received, bytes, options.max_bytes_per_connection);
      read_requests(c, false);
      if (rec.bytes_received > rec.received.size()) {
        rec.truncated = true;
        c.reading = false;
      }
    }
    bump();
  }

  // Writes and shutdowns happen with mu held, so that whatever the peer has seen is in the
  // record by the time the peer (or anyone) can take a snapshot.
  void on_writable(Conn& c) {
    const std::lock_guard lock(mu);
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    RecordedConnection& rec = records[c.record];
    if (n < 0) {  // the peer is gone
      rec.peer_closed = true;
      c.out.clear();
      close_conn(c);
    } else {
      append_capped(rec.sent, std::string_view(c.out).substr(0, static_cast<std::size_t>(n)),
                    options.max_bytes_per_connection);
      c.out.erase(0, static_cast<std::size_t>(n));
    }
    bump();
  }

  // Half-closes once the last scripted bytes are out; closes once both sides are done.
  void settle(Conn& c) {
    if (c.fd >= 0 && c.peer_eof) pass_on_fin(c.backend);
    if (c.fd < 0 || !c.out.empty()) return;
    if (c.shut_after_flush && !c.write_shut) {
      const std::lock_guard lock(mu);
      ::shutdown(c.fd, SHUT_WR);
      c.write_shut = true;
      records[c.record].origin_closed = true;
      bump();
    }
    if (c.peer_eof && (!c.relay || c.backend.eof)) close_conn(c);
  }

  void accept_all() {
    for (int k = 0; k < kAcceptsPerWake; ++k) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      const std::lock_guard lock(mu);
      if (records.size() >= options.max_connections) {
        ::close(fd);
        ++refused;
      } else {
        RecordedConnection rec;
        rec.id = records.size();
        records.push_back(std::move(rec));
        Conn c;
        c.fd = fd;
        c.record = records.size() - 1;
        c.relay = options.relay_port > 0 && script.relay;
        if (c.relay && !open_backend(c.backend, options.relay_host, options.relay_port)) {
          records.back().error = "relay: cannot connect to the back end";
          c.shut_after_flush = true;
        }
        conns.push_back(std::move(c));
      }
      bump();
    }
  }

  // With mu held: a reset asked for by reset() happens here, between two events.
  void do_reset_if_asked() {
    if (resets_done == resets_asked) return;
    for (Conn& c : conns) close_conn(c);
    conns.clear();
    records.clear();
    next_index = 0;
    refused = 0;
    resets_done = resets_asked;
    bump();
  }

  void loop() {
    std::vector<pollfd> fds;
    for (;;) {
      {
        const std::lock_guard lock(mu);
        if (stopping) break;
        do_reset_if_asked();
      }
      fds.clear();
      fds.push_back({wake_read, POLLIN, 0});
      fds.push_back({listen_fd, POLLIN, 0});
      for (const Conn& c : conns) {
        const short events =
            static_cast<short>((c.peer_eof ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT));
        fds.push_back({c.fd, events, 0});
      }
      for (const Conn& c : conns) {  // relay mode: the back ends after the clients; -1 is unpolled
        const short events =
            static_cast<short>(POLLIN | (c.backend.to_backend.empty() ? 0 : POLLOUT));
        fds.push_back({c.backend.fd, events, 0});
      }
      if (::poll(fds.data(), fds.size(), kPollMs) < 0 && errno != EINTR) break;
      if (fds[0].revents != 0) {
        std::array<char, 64> drain{};
        while (::read(wake_read, drain.data(), drain.size()) > 0) {
        }
      }
      const std::size_t polled = conns.size();
      for (std::size_t i = 0; i < polled; ++i) {
        Conn& c = conns[i];
        const short bev = fds[i + 2 + polled].revents;
        if (c.backend.fd >= 0 && (bev & (POLLIN | POLLHUP | POLLERR)) != 0) {
          backend_readable(c.backend, c.out);
        }
        if (c.backend.fd >= 0 && !c.backend.to_backend.empty() && (bev & POLLOUT) != 0) {
          backend_writable(c.backend, c.out);
        }
        if (c.relay && c.backend.eof) c.shut_after_flush = true;
        const short ev = fds[i + 2].revents;
        if (c.fd >= 0 && !c.peer_eof && (ev & (POLLIN | POLLHUP | POLLERR)) != 0) on_readable(c);
        if (c.fd >= 0 && !c.out.empty() && (ev & (POLLOUT | POLLERR)) != 0) on_writable(c);
        settle(c);
      }
      std::erase_if(conns, [](const Conn& c) { return c.fd < 0; });
      if ((fds[1].revents & POLLIN) != 0) accept_all();
    }
    for (Conn& c : conns) close_conn(c);
    conns.clear();
    const std::lock_guard lock(mu);
    running = false;
    bump();
  }
};

RecordingOrigin::RecordingOrigin(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

RecordingOrigin::~RecordingOrigin() { stop(); }

bool RecordingOrigin::start(std::string& error) {
  Impl& m = *impl_;
  if (m.listen_fd >= 0) {
    error = "the recording origin is already started";
    return false;
  }
  // Loopback only, decided on the text before any socket exists (as wire/endpoint.h does).
  std::string host = m.options.host;
  if (!is_loopback_host(host)) {
    error = "refusing to listen on " + host + ": not a loopback address";
    return false;
  }
  if (::strcasecmp(host.c_str(), "localhost") == 0) host = "127.0.0.1";
  in_addr relay{};
  if (m.options.relay_port > 0 &&
      (!is_loopback_host(m.options.relay_host) || m.options.relay_port > 65535 ||
       ::inet_pton(AF_INET, m.options.relay_host.c_str(), &relay) != 1)) {
    error = "refusing to relay to " + m.options.relay_host + ":" +
            std::to_string(m.options.relay_port) + ": not an IPv4 loopback address and port";
    return false;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(m.options.port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    error = "cannot listen on " + host + ": only IPv4 loopback (127.0.0.0/8) is supported";
    return false;
  }
  if (m.options.port < 0 || m.options.port > 65535) {
    error = "port " + std::to_string(m.options.port) + " is out of range";
    return false;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  const int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    error = "cannot listen on " + host + ":" + std::to_string(m.options.port) + ": " +
            std::strerror(errno);
    ::close(fd);
    return false;
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    ::close(fd);
    return false;
  }
  m.listen_fd = fd;
  m.wake_read = pipe_fds[0];
  m.wake_write = pipe_fds[1];
  m.port = ntohs(addr.sin_port);
  {
    const std::lock_guard lock(m.mu);
    m.running = true;
    m.stopping = false;
  }
  m.thread = std::thread([&m] { m.loop(); });
  return true;
}

int RecordingOrigin::port() const { return impl_->port; }

void RecordingOrigin::set_script(Script script) {
  const std::lock_guard lock(impl_->mu);
  impl_->script = std::move(script);
}

Snapshot RecordingOrigin::snapshot() const {
  const Impl& m = *impl_;
  const std::lock_guard lock(m.mu);
  Snapshot s;
  s.connections = m.records;
  s.requests = m.next_index;
  s.refused = m.refused;
  s.connections_capped = m.refused > 0;
  s.generation = m.generation;
  return s;
}

void RecordingOrigin::note_client_requests(const std::vector<Request>& sent,
                                           std::uint64_t generation) {
  const std::lock_guard lock(impl_->mu);
  impl_->noted_generation = generation;
  std::vector<Request>& h = impl_->client_history;
  h.insert(h.end(), sent.begin(), sent.end());
  if (h.size() > kClientHistory) {
    h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(h.size() - kClientHistory));
  }
}

std::uint64_t RecordingOrigin::noted_generation() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->noted_generation;
}

std::vector<Request> RecordingOrigin::earlier_client_requests() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->client_history;
}

void RecordingOrigin::reset() {
  Impl& m = *impl_;
  std::unique_lock lock(m.mu);
  ++m.resets_asked;
  if (!m.running) {
    m.do_reset_if_asked();  // no loop (not started, or stopped): nothing else touches conns
    return;
  }
  const std::uint64_t asked = m.resets_asked;
  m.wake();
  m.changed.wait(lock, [&] { return m.resets_done >= asked || !m.running; });
}

void RecordingOrigin::stop() {
  Impl& m = *impl_;
  {
    const std::lock_guard lock(m.mu);
    m.stopping = true;
  }
  if (m.thread.joinable()) {
    m.wake();
    m.thread.join();
  }
  for (int* fd : {&m.listen_fd, &m.wake_read, &m.wake_write}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

std::uint64_t RecordingOrigin::wait_for_change(std::uint64_t seen,
                                               std::chrono::milliseconds timeout) const {
  const Impl& m = *impl_;
  std::unique_lock lock(m.mu);
  m.changed.wait_for(lock, timeout, [&] { return m.generation > seen; });
  return m.generation;
}

bool RecordingOrigin::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  const Impl& m = *impl_;
  std::unique_lock lock(m.mu);
  return m.changed.wait_for(lock, timeout, [&] { return m.next_index >= n; });
}

}  // namespace h1spec::origin
