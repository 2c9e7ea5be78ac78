#include "faulty_proxy.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proxy_request.h"
#include "proxy_rewrite.h"

namespace h1spec::faulty {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPollMs = 200;
constexpr auto kClientIdle = std::chrono::seconds(60);
constexpr auto kOriginWait = std::chrono::seconds(30);
constexpr auto kSendWait = std::chrono::seconds(30);
// How long pass-204-body waits for the body a bodiless head announced.
constexpr auto kExtraWait = std::chrono::milliseconds(500);
// After the proxy shuts its side, the client's late bytes are drained this long, so that
// closing with unread input does not reset the connection and destroy the last answer.
constexpr auto kLinger = std::chrono::seconds(2);
constexpr std::size_t kMaxMessage = std::size_t{16} << 20;
constexpr std::size_t kReadChunk = 65'536;

enum class Got : std::uint8_t { data, eof, timeout, failed };

// bare-lf on the response side: a response head with bare-LF line ends, read as if they
// were CRLF. The raw length of the response, 0 while it is incomplete, or nullopt when the
// head has no bare LF (or the reading fails anyway).
std::optional<std::size_t> bare_lf_response(std::string_view bytes, bool head, bool eof) {
  std::string copy;
  std::size_t added = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
      copy += '\r';
      ++added;
    }
    copy += bytes[i];
    if (copy.size() >= 4 && copy.compare(copy.size() - 4, 4, "\r\n\r\n") == 0) {
      if (added == 0) return std::nullopt;
      copy += bytes.substr(i + 1);
      const ReadResult r = read_response(copy, head, eof);
      if (r.status == ReadStatus::need_more) return 0;
      if (r.status == ReadStatus::malformed) return std::nullopt;
      return r.consumed - added;
    }
  }
  return eof ? std::nullopt : std::optional<std::size_t>(0);
}

class Session {
 public:
  Session(Fd client, const ProxyConfig& config, const std::atomic<bool>& stop)
      : client_(std::move(client)),
        config_(config),
        stop_(stop),
        authority_(config.upstream.host + ":" + std::to_string(config.upstream.port)) {}

  void run() {
    while (!stop_.load(std::memory_order_relaxed) && exchange()) {
    }
    linger();
  }

 private:
  [[nodiscard]] bool has(ProxyFault f) const { return config_.faults.has(f); }
  // Serves one request; false when the client connection must end.
  bool exchange();
  // Reads the next request into `read`; false when the connection ends without one.
  bool next_request(ClientRead& read);
  // Forwards the request and relays its answer; false when the client connection must end.
  bool forward(const ClientRequest& request);
  // The answer to an origin response that cannot be relayed.
  bool origin_error(const std::string& why);
  // A back-end connection ready for the next request, or false (then a 502 was sent).
  bool upstream_ready();
  void drop_upstream() {
    upstream_ = Fd{};
    up_.clear();
    up_eof_ = false;
  }
  // Reads what fd has into buf, waiting at most `wait`.
  Got fill(int fd, std::string& buf, bool& eof, Clock::duration wait);
  bool send_all(int fd, std::string_view bytes);
  bool to_client(std::string_view bytes) { return send_all(client_.get(), bytes); }
  void linger();

  Fd client_;
  Fd upstream_;
  const ProxyConfig& config_;
  const std::atomic<bool>& stop_;
  std::string authority_;
  std::string in_;  ///< client bytes not yet taken by a request
  std::string up_;  ///< origin bytes not yet taken by a response
  bool client_eof_ = false;
  bool up_eof_ = false;
  bool continue_sent_ = false;  ///< this request got the proxy's own 100 Continue
};

Got Session::fill(int fd, std::string& buf, bool& eof, Clock::duration wait) {
  const auto deadline = Clock::now() + wait;
  while (!stop_.load(std::memory_order_relaxed)) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0 && errno != EINTR) return Got::failed;
    if (ready > 0) {
      std::array<char, kReadChunk> chunk{};
      const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
      if (n > 0) {
        buf.append(chunk.data(), static_cast<std::size_t>(n));
        return Got::data;
      }
      if (n == 0) {
        eof = true;
        return Got::eof;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        eof = true;  // a reset ends the stream as a close does
        return Got::failed;
      }
    }
    if (Clock::now() >= deadline) return Got::timeout;
  }
  return Got::failed;
}

bool Session::send_all(int fd, std::string_view bytes) {
  const auto deadline = Clock::now() + kSendWait;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    if (Clock::now() >= deadline || stop_.load(std::memory_order_relaxed)) return false;
    pollfd p{fd, POLLOUT, 0};
    (void)::poll(&p, 1, kPollMs);
  }
  return true;
}

void Session::linger() {
  (void)::shutdown(client_.get(), SHUT_WR);
  const auto until = Clock::now() + kLinger;
  std::string sink;
  while (!client_eof_ && Clock::now() < until) {
    sink.clear();
    if (fill(client_.get(), sink, client_eof_, kLinger) != Got::data) break;
  }
}

bool Session::next_request(ClientRead& read) {
  for (;;) {
    read = read_client_request(in_, client_eof_, config_.faults);
    if (read.status != ReadStatus::need_more) return true;
    if (client_eof_) return false;  // ended cleanly between requests
    if (in_.size() > kMaxMessage) {
      (void)to_client(error_response(413, "request larger than 16 MiB", true, http_date()));
      return false;
    }
    // RFC 9110 §10.1.1: the client may wait for a 100 before it sends the body; the proxy
    // reads whole requests before forwarding, so it sends that 100 itself.
    if (!continue_sent_ && head_awaits_continue(in_)) {
      if (!to_client("HTTP/1.1 100 Continue\r\n\r\n")) return false;
      continue_sent_ = true;
    }
    if (fill(client_.get(), in_, client_eof_, kClientIdle) == Got::timeout) return false;
    if (stop_.load(std::memory_order_relaxed)) return false;
  }
}

bool Session::exchange() {
  continue_sent_ = false;
  ClientRead read;
  if (!next_request(read)) return false;
  if (read.status == ReadStatus::malformed) {
    int status = 400;
    if (read.error.find("head larger than") != std::string::npos) {
      // The request-line alone filling the head limit is a long target: 414, else 431.
      const std::size_t eol = in_.find("\r\n");
      status = eol > 8192 ? 414 : 431;  // npos too
    }
    (void)to_client(error_response(status, read.error, true, http_date()));
    return false;
  }
  in_.erase(0, read.consumed);
  const ClientRequest& request = read.request;
  const Refusal refusal = refuse_request(request);
  if (refusal.status != 0) {
    (void)to_client(error_response(refusal.status, refusal.why, true, http_date()));
    return false;
  }
  const std::string local = answer_max_forwards(request, config_.faults, http_date());
  if (!local.empty()) return to_client(local) && !client_wants_close(request);
  return forward(request);
}

bool Session::upstream_ready() {
  if (upstream_.valid() && !up_eof_) {
    // Bytes the origin sent unasked, or its close, make the connection unfit for the next
    // request: they would be read as its answer. Only reuse-after-error keeps it anyway.
    pollfd p{upstream_.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) (void)fill(upstream_.get(), up_, up_eof_, Clock::duration{});
    if (up_eof_ || (!up_.empty() && !has(ProxyFault::reuse_after_error))) drop_upstream();
  } else if (up_eof_) {
    drop_upstream();
  }
  if (upstream_.valid()) return true;
  upstream_ = connect_to(config_.upstream);
  if (upstream_.valid()) return true;
  (void)to_client(
      error_response(502, "cannot connect to the origin " + authority_, true, http_date()));
  return false;
}

bool Session::origin_error(const std::string& why) {
  if (has(ProxyFault::relay_invalid)) {
    (void)to_client(up_);
    drop_upstream();
    return false;
  }
  if (has(ProxyFault::reuse_after_error)) {
    // The defect: the bytes read so far are dropped, the connection stays for the next
    // request, and so does the client's.
    up_.clear();
    return to_client(error_response(502, why, false, http_date()));
  }
  drop_upstream();
  (void)to_client(error_response(502, why, true, http_date()));
  return false;
}

bool Session::forward(const ClientRequest& request) {
  if (!upstream_ready()) return false;
  const std::string bytes = forward_request(request, config_.faults, authority_);
  if (!send_all(upstream_.get(), bytes)) {
    // A kept-alive connection the origin closed meanwhile: one fresh try.
    drop_upstream();
    if (!upstream_ready() || !send_all(upstream_.get(), bytes)) {
      drop_upstream();
      (void)to_client(error_response(502, "cannot send to the origin", true, http_date()));
      return false;
    }
  }
  const bool head = request.request.method == "HEAD";
  const bool interim_ok = request.request.version != "HTTP/1.0";
  for (;;) {
    ReadResult res = read_response(up_, head, up_eof_);
    if (res.status == ReadStatus::need_more) {
      if (up_.size() > kMaxMessage) return origin_error("origin response larger than 16 MiB");
      const Got got = fill(upstream_.get(), up_, up_eof_, kOriginWait);
      if (got == Got::timeout) {
        drop_upstream();
        (void)to_client(
            error_response(504, "the origin did not answer in time", true, http_date()));
        return false;
      }
      if (stop_.load(std::memory_order_relaxed)) return false;
      continue;
    }
    if (res.status == ReadStatus::malformed && has(ProxyFault::bare_lf)) {
      // The defect: the bare LF is taken as a line end and the response passed on as it came.
      if (const auto raw = bare_lf_response(up_, head, up_eof_)) {
        if (*raw == 0) {
          if (fill(upstream_.get(), up_, up_eof_, kOriginWait) != Got::data && !up_eof_) {
            return origin_error(res.error);
          }
          continue;
        }
        if (!to_client(std::string_view(up_).substr(0, *raw))) return false;
        up_.erase(0, *raw);
        if (up_eof_) drop_upstream();
        return !client_wants_close(request);
      }
    }
    if (res.status == ReadStatus::malformed) return origin_error(res.error);
    const Response& r = res.response;
    const std::string defect = response_defect(r);
    if (!defect.empty()) return origin_error(defect);
    up_.erase(0, res.consumed);
    if (r.interim()) {
      // 1xx are relayed, except to HTTP/1.0 clients and a 100 the proxy already sent.
      const bool duplicate = r.status == 100 && continue_sent_;
      if (interim_ok && !duplicate &&
          !to_client(relay_response(r, head, false, config_.faults, http_date()))) {
        return false;
      }
      continue;
    }
    std::string extra;
    const bool bodiless = head || r.status == 204 || r.status == 304;
    const std::string* length = r.find("Content-Length");
    std::uint64_t want = 0;
    if (bodiless && has(ProxyFault::pass_204_body) && length != nullptr &&
        std::from_chars(length->data(), length->data() + length->size(), want).ec == std::errc{}) {
      // The defect: the announced body is read after the bodiless head and relayed.
      while (up_.size() < want && !up_eof_ &&
             fill(upstream_.get(), up_, up_eof_, kExtraWait) == Got::data) {
      }
      extra = up_.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(want, up_.size())));
      up_.erase(0, extra.size());
    }
    const bool close = client_wants_close(request);
    if (!to_client(relay_response(r, head, close, config_.faults, http_date(), extra))) {
      return false;
    }
    const std::vector<std::string> options = connection_options(r.all("Connection"));
    const bool origin_closes = r.framing == Framing::until_close || up_eof_ ||
                               std::find(options.begin(), options.end(), "close") != options.end();
    // Bytes past the end of the response are a framing error too (a body after 204, more
    // than Content-Length): the connection is not used again.
    if (origin_closes || (!up_.empty() && !has(ProxyFault::reuse_after_error))) drop_upstream();
    return !close;
  }
}

}  // namespace

void proxy_connection(Fd client, const ProxyConfig& config, const std::atomic<bool>& stop) {
  Session session(std::move(client), config, stop);
  session.run();
}

}  // namespace h1spec::faulty
