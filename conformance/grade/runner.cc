#include "grade/runner.h"

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "grade/client_replay.h"
#include "grade/proxy_replay.h"
#include "spec/hash.h"

namespace h1spec {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t kBytewiseEdge = 1024;  // bytes sent one per segment at each end
constexpr auto kBlockPause = 20ms;           // between ```http blocks
constexpr auto kBytePause = 50us;            // between single-byte segments

// Writes the blocks according to the replay mode; false once the peer stops reading.
bool send_blocks(WireConnection& conn, const std::vector<std::string>& blocks, Replay mode,
                 std::size_t split_at, Clock::time_point deadline) {
  std::size_t offset = 0;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (b > 0) std::this_thread::sleep_for(kBlockPause);
    const std::string_view block = blocks[b];
    if (mode == Replay::whole) {
      if (!conn.send_all(block, deadline)) return false;
    } else if (mode == Replay::random_split) {
      const std::size_t cut = split_at > offset ? std::min(split_at - offset, block.size()) : 0;
      if (cut > 0 && !conn.send_all(block.substr(0, cut), deadline)) return false;
      if (cut > 0 && cut < block.size()) std::this_thread::sleep_for(2ms);
      if (cut < block.size() && !conn.send_all(block.substr(cut), deadline)) return false;
    } else {
      // One byte per segment; very long inputs get single bytes only near their ends.
      for (std::size_t i = 0; i < block.size();) {
        const bool edge = i < kBytewiseEdge || block.size() - i <= kBytewiseEdge;
        const std::size_t n = edge ? 1 : block.size() - kBytewiseEdge - i;
        if (!conn.send_all(block.substr(i, n), deadline)) return false;
        i += n;
        std::this_thread::sleep_for(kBytePause);
      }
    }
    offset += block.size();
  }
  return true;
}

// True when received[offset..] is a complete response head whose body the close cut short:
// more bytes would have made it whole.
bool cut_short(std::string_view received, std::size_t offset) {
  const std::string_view rest = received.substr(offset);
  if (rest.find("\r\n\r\n") == std::string_view::npos) return false;
  return read_response(rest, false, false).status == ReadStatus::need_more;
}

bool is_head(const Case& c, std::size_t index) {
  for (const Alternative& alt : c.alternatives) {
    if (index < alt.responses.size() && alt.responses[index].head) return true;
  }
  return false;
}

std::size_t max_responses(const Case& c) {
  std::size_t n = 0;
  for (const Alternative& alt : c.alternatives) n = std::max(n, alt.responses.size());
  return n;
}

std::vector<Response> finals_of(const std::vector<Response>& all) {
  std::vector<Response> out;
  for (const Response& r : all) {
    if (!r.interim()) out.push_back(r);
  }
  return out;
}

// Reads and parses responses until `want` final ones, end of stream, an error or the deadline.
struct Reader {
  const Case& c;
  WireConnection& conn;
  std::string& received;
  Observation& obs;
  std::size_t offset = 0;
  bool eof = false;

  void parse_available() {
    while (obs.read_error.empty()) {
      const std::size_t finals = finals_of(obs.responses).size();
      const ReadResult r =
          read_response(std::string_view(received).substr(offset), is_head(c, finals), eof);
      if (r.status == ReadStatus::need_more) return;
      if (r.status == ReadStatus::malformed) {
        if (!(eof && offset == received.size())) obs.read_error = r.error;
        if (eof && finals_of(obs.responses).empty()) obs.cut_response = cut_short(received, offset);
        return;
      }
      obs.responses.push_back(r.response);
      offset += r.consumed;
    }
  }

  void read_until(std::size_t want, Clock::time_point deadline) {
    parse_available();
    while (!eof && obs.read_error.empty() && finals_of(obs.responses).size() < want) {
      const RecvStatus s = conn.receive(received, deadline);
      if (s == RecvStatus::timeout) return;
      if (s == RecvStatus::eof || s == RecvStatus::reset) eof = true;  // a reset also ends it
      parse_available();
    }
  }

  // Waits for the end of stream; anything that arrives first is trailing data.
  void read_to_close(Clock::time_point deadline) {
    obs.closed_checked = true;
    while (!eof) {
      const RecvStatus s = conn.receive(received, deadline);
      if (s == RecvStatus::timeout) break;
      if (s != RecvStatus::data) eof = true;
    }
    parse_available();
    obs.closed = eof;
  }
};

bool any_could_match(const Case& c, const Observation& obs, ExpectedFiles& files,
                     ConnectionExpect want) {
  const std::vector<Response> finals = finals_of(obs.responses);
  for (const Alternative& alt : c.alternatives) {
    if (alt.connection != want) continue;
    std::string why;
    if (alt.no_response ? finals.empty() : responses_match(alt, finals, files, why)) return true;
  }
  return false;
}

enum class CanaryOutcome : std::uint8_t { answered, closed, silent };

// Sends the canary on conn and judges its answer. Reports whether the server answered,
// closed the connection without answering, or stayed silent.
CanaryOutcome check_canary(WireConnection& conn, const Endpoint& target, const RunOptions& opts,
                           ExpectedFiles& files, std::optional<bool>& ok, std::string& detail) {
  const auto deadline = Clock::now() + opts.timeout;
  std::string got;
  ok = false;
  if (!conn.send_all(canary_request(target.authority()), deadline)) {
    detail = "connection closed";
    return CanaryOutcome::closed;
  }
  for (;;) {
    const ReadResult r = read_response(got, false, false);
    if (r.status == ReadStatus::complete) {
      ok = canary_matches(r.response, files, detail);
      return CanaryOutcome::answered;
    }
    if (r.status == ReadStatus::malformed) {
      detail = "malformed canary response: " + r.error;
      return CanaryOutcome::answered;
    }
    const RecvStatus s = conn.receive(got, deadline);
    if (s == RecvStatus::data) continue;
    const ReadResult last = read_response(got, false, true);
    if (last.status == ReadStatus::complete) {
      ok = canary_matches(last.response, files, detail);
      return CanaryOutcome::answered;
    }
    if (s == RecvStatus::timeout) {
      detail = "no answer to the canary";
      return CanaryOutcome::silent;
    }
    detail = got.empty() ? "connection closed" : "connection closed inside the canary response";
    return got.empty() ? CanaryOutcome::closed : CanaryOutcome::answered;
  }
}

void check_alive(const Endpoint& target, const RunOptions& opts, ExpectedFiles& files,
                 Observation& obs) {
  WireConnection fresh;
  std::string error;
  if (!fresh.connect(target, opts.timeout, error)) {
    obs.alive_ok = false;
    obs.alive_detail = error;
    return;
  }
  (void)check_canary(fresh, target, opts, files, obs.alive_ok, obs.alive_detail);
}

// The client's part after sending, for close= actions; returns false if reading is over.
bool apply_close_action(const Case& c, WireConnection& conn, Reader& reader,
                        Clock::time_point deadline) {
  switch (c.close) {
    case CloseAction::none:
      return true;
    case CloseAction::after_send:
      conn.shutdown_write();
      return true;
    case CloseAction::mid_request:
      // Anything the server sends within 100 ms is its answer to half a request.
      reader.read_until(1, std::min(deadline, Clock::now() + 100ms));
      conn.close();
      reader.obs.closed = true;  // nothing more can arrive: the client closed
      return false;
    case CloseAction::mid_response: {
      // Read the head and the first body bytes, then walk away from the rest.
      while (reader.received.find("\r\n\r\n") == std::string::npos &&
             conn.receive(reader.received, deadline) == RecvStatus::data) {
      }
      const ReadResult head = read_response(reader.received, true, false);
      if (head.status == ReadStatus::complete) reader.obs.responses.push_back(head.response);
      conn.close();
      reader.obs.closed = true;
      return false;
    }
  }
  return true;
}

// at_end (may be empty) hears once that the case's own exchange is over, before any canary.
ReplayRecord replay_raw(const Case& c, const Endpoint& target, const RunOptions& opts,
                        ExpectedFiles& files, Replay mode, std::size_t split_at,
                        const ExchangeEnd& at_end) {
  ReplayRecord rec;
  rec.mode = mode;
  rec.split_at = split_at;
  std::vector<std::string> blocks;
  for (const std::string& b : c.sends) blocks.push_back(expand_host(b, target.authority()));
  for (const std::string& b : blocks) rec.sent += b;
  const auto timeout = c.timeout_ms > 0 ? std::chrono::milliseconds(c.timeout_ms) : opts.timeout;
  WireConnection conn;
  std::string error;
  if (!conn.connect(target, opts.timeout, error)) {
    rec.judgement = {Verdict::error, error};
    return rec;
  }
  if (mode == Replay::bytewise) conn.set_nodelay(true);
  // Writing one byte per segment takes a while; the answer's timeout starts after it.
  (void)send_blocks(conn, blocks, mode, split_at, Clock::now() + 4 * timeout);  // judged below
  const auto deadline = Clock::now() + timeout;
  Observation obs;
  Reader reader{c, conn, rec.received, obs};
  bool ended = false;
  const auto end_exchange = [&] {
    if (!ended && at_end) {
      // What arrived while the origin settled (a second answer to one request, say) is part
      // of the client's view: taken without waiting, before any canary is sent.
      at_end([&]() -> const Observation& {
        while (conn.is_open() && !reader.eof) {
          const RecvStatus s = conn.receive(rec.received, Clock::now());
          if (s == RecvStatus::timeout) break;
          if (s != RecvStatus::data) reader.eof = true;
        }
        reader.parse_available();
        obs.trailing_bytes = rec.received.size() - reader.offset;
        return obs;
      });
    }
    ended = true;
  };
  if (apply_close_action(c, conn, reader, deadline)) {
    reader.read_until(max_responses(c), deadline);
    // The canary answers "open or closed?" at once; waiting for end of stream is the
    // fallback when only a close is acceptable.
    if (!reader.eof && any_could_match(c, obs, files, ConnectionExpect::open)) {
      obs.trailing_bytes = rec.received.size() - reader.offset;
      end_exchange();
      const CanaryOutcome k =
          check_canary(conn, target, opts, files, obs.canary_ok, obs.canary_detail);
      obs.closed_checked = k != CanaryOutcome::silent;
      obs.closed = k == CanaryOutcome::closed;
    } else if (reader.eof || any_could_match(c, obs, files, ConnectionExpect::closed)) {
      reader.read_to_close(deadline);
      obs.trailing_bytes = rec.received.size() - reader.offset;
    } else {
      obs.trailing_bytes = rec.received.size() - reader.offset;
    }
  }
  end_exchange();
  for (const Alternative& alt : c.alternatives) {
    if (alt.server_alive) {
      // Ours is done with: closing it first means a server that serves one connection at a
      // time (h1ref --model blocking) is not kept lingering on it while the new one waits.
      conn.close();
      check_alive(target, opts, files, obs);
      break;
    }
  }
  rec.judgement = judge(c, obs, files, opts.profile);
  return rec;
}

}  // namespace

std::string_view to_string(Replay r) {
  switch (r) {
    case Replay::whole:
      return "whole";
    case Replay::bytewise:
      return "byte-by-byte";
    case Replay::random_split:
      return "random split";
    case Replay::client:
      return "cpp-httplib";
  }
  return "?";
}

CaseResult run_case(const Case& c, std::size_t target, const RunOptions& opts, ExpectedFiles& files,
                    const Capabilities* caps) {
  const auto start = Clock::now();
  CaseResult result;
  result.test = &c;
  result.target = target;
  for (const Capability need : caps != nullptr ? c.needs : std::vector<Capability>{}) {
    if (caps->has(need)) continue;
    result.verdict = Verdict::not_applicable;
    result.reason = "needs " + std::string(to_string(need)) + ", which the target lacks (" +
                    caps->why(need) + ")";
    return result;
  }
  const Endpoint& ep = opts.targets[target];
  origin::RecordingOrigin* const behind =
      target < opts.origins.size() ? opts.origins[target] : nullptr;
  const auto replay = [&](Replay mode, std::size_t cut) {
    if (behind == nullptr) return replay_raw(c, ep, opts, files, mode, cut, {});
    return replay_through_proxy(c, ep.authority(), *behind, opts, [&](const ExchangeEnd& end) {
      return replay_raw(c, ep, opts, files, mode, cut, end);
    });
  };
  if (c.transport == Transport::client) {
    if (behind == nullptr) {
      result.replays.push_back(replay_client(c, ep, opts, files));
    } else {
      result.replays.push_back(replay_through_proxy(
          c, ep.authority(), *behind, opts,
          [&](const ExchangeEnd&) { return replay_client(c, ep, opts, files); }));
    }
  } else {
    result.replays.push_back(replay(Replay::whole, 0));
    if (opts.split && c.split) {
      std::size_t total = 0;
      for (const std::string& s : c.sends) total += expand_host(s, ep.authority()).size();
      std::mt19937_64 rng(opts.seed ^ fnv1a(c.id));
      const std::size_t cut = total > 1 ? 1 + rng() % (total - 1) : 0;
      result.replays.push_back(replay(Replay::bytewise, 0));
      result.replays.push_back(replay(Replay::random_split, cut));
    }
  }
  const Judgement& first = result.replays.front().judgement;
  result.verdict = first.verdict;
  result.reason = first.reason;
  for (const ReplayRecord& r : result.replays) {
    if (r.judgement.verdict == Verdict::error) {
      result.verdict = Verdict::error;
      result.reason = std::string(to_string(r.mode)) + ": " + r.judgement.reason;
      break;
    }
    if (r.judgement.verdict != first.verdict) {
      result.verdict = Verdict::fail;
      result.reason = "the verdict changed between replays: whole " +
                      std::string(to_string(first.verdict)) + ", " +
                      std::string(to_string(r.mode)) + " " +
                      std::string(to_string(r.judgement.verdict)) +
                      (r.judgement.reason.empty() ? "" : " (" + r.judgement.reason + ")") +
                      (first.reason.empty() ? "" : "; whole: " + first.reason);
      break;
    }
  }
  mark_smuggling(result);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

std::vector<CaseResult> run_cases(const std::vector<const Case*>& cases, const RunOptions& opts,
                                  ExpectedFiles& files, const ResultSink& on_result,
                                  const ProbeSink& on_probe) {
  std::vector<Capabilities> caps(opts.targets.size());
  for (std::size_t t = 0; opts.probe && t < opts.targets.size(); ++t) {
    caps[t] = probe_capabilities(opts.targets[t], opts.timeout);
    for (const Capability c : {Capability::range, Capability::options, Capability::validators}) {
      if (!caps[t].has(c) && on_probe) on_probe(t, c, caps[t].why(c));
    }
  }
  const std::size_t total = cases.size() * opts.targets.size();
  std::vector<CaseResult> results(total);
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex mutex;
  const std::size_t targets = opts.targets.size();
  auto run_job = [&](std::size_t job) {
    CaseResult r =
        run_case(*cases[job / targets], job % targets, opts, files, &caps[job % targets]);
    std::lock_guard<std::mutex> lock(mutex);
    results[job] = std::move(r);
    on_result(results[job], ++done, total);
  };
  std::vector<std::thread> threads;
  if (!opts.origins.empty()) {
    // One origin per proxy records everything: that proxy's cases one at a time.
    for (std::size_t t = 0; t < targets; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = 0; i < cases.size(); ++i) run_job(i * targets + t);
      });
    }
  } else {
    const unsigned n = std::max(1u, std::min<unsigned>(opts.jobs, static_cast<unsigned>(total)));
    for (unsigned i = 0; i < n; ++i) {
      threads.emplace_back([&] {
        for (std::size_t job = next++; job < total; job = next++) run_job(job);
      });
    }
  }
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace h1spec
