#include "diff/fuzz_via_run.h"

#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "diff/fuzz_finding.h"
#include "diff/fuzz_minimize.h"
#include "diff/fuzz_mutate.h"
#include "diff/fuzz_run.h"
#include "diff/fuzz_via_case.h"
#include "diff/fuzz_via_divergence.h"
#include "diff/fuzz_via_seeds.h"
#include "diff/fuzz_via_view.h"
#include "origin/recording_origin.h"
#include "spec/case_loader.h"
#include "wire/response_reader.h"
#include "wire/wire_connection.h"

namespace h1spec::fuzz {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::size_t kMaxResponseBytes = 1u << 20;  // per exchange; more is not read
constexpr milliseconds kWritePause{2};               // between the writes of one input
constexpr milliseconds kQuiet{30};  // no byte for this long before the half-close: send it
constexpr milliseconds kIdle{100};  // no byte for this long, every answer in: the exchange is over
constexpr milliseconds kMaxSettle{1000};              // the longest wait for a quiet origin
constexpr std::size_t kMinimiseRunsPerSignature = 4;  // then duplicates are only counted
// The preflight GET; its query is new each time, so a caching proxy cannot answer it from
// an earlier run's copy.
std::string preflight_request() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "GET /index.html?h1spec-preflight=" + std::to_string(now) +
         " HTTP/1.1\r\nHost: localhost\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
}

// The final statuses in a response stream, each read as the answer to the client request of
// the same rank (a HEAD's answer has no body); reading stops at the first malformed byte.
std::vector<int> final_statuses(std::string_view stream, const ClientView& v, bool eof) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at < stream.size()) {
    const bool head = out.size() < v.requests.size() && v.requests[out.size()].method == "HEAD";
    const ReadResult r = read_response(stream.substr(at), head, eof);
    if (r.status != ReadStatus::complete || r.consumed == 0) break;
    if (!r.response.interim()) out.push_back(r.response.status);
    at += r.consumed;
  }
  return out;
}

struct Observation {
  bool connected = false;
  std::vector<Request> at_origin;
  std::vector<int> statuses;
  std::vector<std::string> origin_bytes;  ///< per back-end connection
};

class ViaRun {
 public:
  ViaRun(const ViaOptions& o, const std::vector<Seed>& seeds, origin::RecordingOrigin& origin)
      : o_(o), seeds_(seeds), origin_(origin) {}

  // The preflight: a plain GET through the proxy reaches the origin. Empty, or why not.
  std::string preflight() {
    origin_.reset();
    WireConnection c;
    std::string error;
    if (!c.connect(o_.via, o_.timeout, error)) {
      return "cannot connect to the proxy at " + o_.via.authority() + ": " + error;
    }
    const Clock::time_point deadline = Clock::now() + o_.timeout;
    std::string in;
    if (c.send_all(preflight_request(), deadline)) {
      while (in.size() < 12 && c.receive(in, deadline) == RecvStatus::data) {
      }
    }
    if (origin_.wait_for_requests(1, o_.timeout)) return {};
    return "a GET through the proxy at " + o_.via.authority() +
           " did not reach the origin on 127.0.0.1:" + std::to_string(o_.origin_port) +
           " (the proxy must forward to 127.0.0.1:" + std::to_string(o_.origin_port) + ")" +
           (in.starts_with("HTTP/") ? "; the proxy answered itself: " + in.substr(0, 12)
                                    : std::string());
  }

  int go() {
    start_ = Clock::now();
    last_progress_ = start_;
    for (std::uint64_t index = 0; index < o_.count && time_left(); ++index) {
      const Mutant m = make_mutant(seeds_, o_.seed, index);
      const Observation obs = observe(m);
      if (!obs.connected) {
        if (!recover(index)) break;
        continue;
      }
      ++inputs_;
      const ViaDivergence d = classify(m, obs);
      ++kinds_[static_cast<std::size_t>(d.kind)];
      add_benign(d.benign);
      if (d.kind != ViaKind::none) on_divergence(m, index, d);
      progress(false);
    }
    progress(true);
    return finish();
  }

 private:
  bool time_left() const {
    return !harness_error_ && Clock::now() - start_ < std::chrono::duration<double>(o_.seconds);
  }

  // Whether every line that ends like a request-line (" HTTP/x.y") has an origin-form
  // target ("/..."): the minimiser keeps it so, so that a finding reads as requests ("POST /x"),
  // not as "T e".
  static bool readable(const Mutant& m) {
    std::string_view rest = m.bytes;
    while (!rest.empty()) {
      const std::size_t eol = rest.find("\r\n");
      const std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
      if (line.size() < 10 || line.substr(line.size() - 9, 6) != " HTTP/") continue;
      const std::size_t sp = line.find(' ');
      if (sp + 1 >= line.size() || line[sp + 1] != '/') return false;
    }
    return true;
  }

  static ViaDivergence classify(const Mutant& m, const Observation& obs) {
    return classify_via(client_view(m.bytes), obs.at_origin, obs.statuses.size());
  }

  // One input through the proxy: the origin reset, the writes, the answers to the clean
  // requests, the half-close, the rest of the answers until the proxy closes (or goes quiet with
  // every answer in, or the timeout), then the origin's record once it has been quiet for
  // o_.settle.
  Observation observe(const Mutant& m) {
    Observation obs;
    const ClientView view = client_view(m.bytes);
    ++exchanges_;
    origin_.reset();
    WireConnection c;
    std::string error;
    if (!c.connect(o_.via, o_.timeout, error)) return obs;
    obs.connected = true;
    c.set_nodelay(true);
    const Clock::time_point deadline = Clock::now() + o_.timeout;
    std::size_t from = 0;
    std::vector<std::size_t> ends = m.cuts;
    ends.push_back(m.bytes.size());
    for (std::size_t k = 0; k < ends.size(); ++k) {
      if (ends[k] <= from) continue;
      if (!c.send_all(std::string_view(m.bytes).substr(from, ends[k] - from), deadline)) break;
      from = ends[k];
      if (k + 1 < ends.size()) std::this_thread::sleep_for(kWritePause);
    }
    // Half-close only once the clean requests are answered (or the proxy has gone quiet):
    // some proxies abort what they are forwarding when the client's FIN arrives first (nginx
    // answers nothing at all then), which would hide every divergence from them.
    const std::size_t clean = std::max<std::size_t>(1, view.requests.size());
    const std::size_t expected = view.requests.size() + (view.has_tail ? 1 : 0);
    std::string in;
    bool eof = false, shut = false;
    for (;;) {
      const Clock::time_point now = Clock::now();
      if (now >= deadline) break;
      const RecvStatus s = c.receive(in, std::min(deadline, now + (shut ? kIdle : kQuiet)));
      if (s == RecvStatus::data) {
        if (in.size() >= kMaxResponseBytes) break;
        if (!shut && final_statuses(in, view, false).size() >= clean) {
          c.shutdown_write();
          shut = true;
        }
        continue;
      }
      if (s != RecvStatus::timeout) {
        eof = true;
        break;
      }
      if (!shut) {
        c.shutdown_write();
        shut = true;
        continue;
      }
      if (final_statuses(in, view, false).size() >= expected) break;
    }
    obs.statuses = final_statuses(in, view, eof);
    c.close();
    // Settled: the proxy closed the client's connection, and each back-end connection is
    // closed too, or idle with every byte it brought read as complete requests (a proxy's
    // pool keeps them open); or the origin was quiet for o_.settle; never longer than
    // kMaxSettle.
    std::uint64_t seen = 0;
    const Clock::time_point settle_until = Clock::now() + kMaxSettle;
    for (;;) {
      const origin::Snapshot now = origin_.snapshot();
      const bool all_done = std::all_of(
          now.connections.begin(), now.connections.end(), [](const origin::RecordedConnection& rc) {
            const std::size_t read = rc.requests.empty() ? 0 : rc.requests.back().request.end;
            return rc.peer_closed || (!rc.malformed() && read == rc.received.size());
          });
      if ((eof && all_done) || Clock::now() >= settle_until) break;
      if (now.generation == seen) break;
      seen = now.generation;
      if (origin_.wait_for_change(seen, o_.settle) == seen) break;
    }
    const origin::Snapshot snap = origin_.snapshot();
    for (const origin::RecordedRequest* r : snap.in_order()) obs.at_origin.push_back(r->request);
    for (const origin::RecordedConnection& rc : snap.connections) {
      obs.origin_bytes.push_back(rc.received);
    }
    return obs;
  }

  bool recover(std::uint64_t index) {
    std::cerr << "\nh1spec fuzz: the proxy at " << o_.via.authority()
              << " refused a connection at input " << index << "; waiting up to "
              << o_.recover_seconds << " s for it\n";
    const Clock::time_point until =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(o_.recover_seconds));
    while (Clock::now() < until) {
      if (preflight().empty()) {
        std::cerr << "h1spec fuzz: the proxy is back; going on\n";
        return true;
      }
      std::this_thread::sleep_for(milliseconds(250));
    }
    std::cerr << "h1spec fuzz: the proxy did not come back; stopping\n";
    harness_error_ = true;
    return false;
  }

  void add_benign(const ViaBenign& b) {
    benign_.retries += b.retries;
    benign_.body_dropped += b.body_dropped;
    benign_.rewritten += b.rewritten;
    benign_.head_as_get += b.head_as_get;
    benign_.lenient += b.lenient;
  }

  void on_divergence(const Mutant& m, std::uint64_t index, const ViaDivergence& d) {
    if (!raw_keys_.insert(via_finding_key(d, m.bytes)).second) return;
    if (minimised_[d.signature()]++ >= kMinimiseRunsPerSignature) return;
    const std::string signature = d.signature();
    const bool was_readable = readable(m);
    const auto keeps = [&](const Mutant& c) {
      if (was_readable && !readable(c)) return false;
      const Observation obs = observe(c);
      return obs.connected && classify(c, obs).signature() == signature;
    };
    Mutant small = minimize(m, keeps, o_.budget);
    Observation obs = observe(small);
    ViaDivergence d2 = classify(small, obs);
    if (d2.signature() != signature) {  // not reproducible as minimised: keep the original
      small = m;
      obs = observe(m);
      d2 = classify(m, obs);
      if (d2.signature() != signature) {
        ++flaky_;
        return;
      }
    }
    ViaFinding f;
    f.key = via_finding_key(d2, small.bytes);
    if (findings_.count(f.key) != 0) return;
    f.id = "FUZZVIA-" + upper_ascii(to_string(d2.kind)) + "-" + finding_hash(f.key);
    f.divergence = d2;
    f.original = m;
    f.minimal = std::move(small);
    f.at_origin = obs.at_origin;
    f.statuses = obs.statuses;
    f.origin_bytes = obs.origin_bytes;
    f.proxy_name = o_.via.name;
    f.origin_port = o_.origin_port;
    f.run_seed = o_.seed;
    f.index = index;
    f.seed = &seeds_[m.seed];
    record(std::move(f));
  }

  void record(ViaFinding f) {
    const std::string dir = o_.out + "/findings";
    std::error_code ec;
    fs::create_directories(dir, ec);
    const std::string base = dir + "/" + f.id;
    std::ofstream(base + ".md", std::ios::binary) << via_case_markdown(f);
    std::ofstream(base + ".json", std::ios::binary) << via_finding_json(f);
    std::cerr << "\nh1spec fuzz: new finding " << f.id << " (" << f.divergence.signature() << "), "
              << f.minimal.bytes.size() << " bytes: " << base << ".md\n";
    findings_.emplace(f.key, std::move(f));
  }

  void progress(bool last) {
    const bool tty = ::isatty(2) != 0;
    const Clock::time_point now = Clock::now();
    if (!last && now - last_progress_ < (tty ? milliseconds(1000) : milliseconds(5000))) return;
    last_progress_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::array<std::size_t, kViaKinds> by_kind{};
    for (const auto& [key, f] : findings_) ++by_kind[static_cast<std::size_t>(f.divergence.kind)];
    char line[256];
    std::snprintf(line, sizeof line,
                  "fuzz --via %s: %.0f s, %llu inputs, %llu exchanges (%.0f/s), findings: "
                  "smuggled %zu, ambiguous %zu, body %zu, desync %zu",
                  o_.via.name.c_str(), secs, static_cast<unsigned long long>(inputs_),
                  static_cast<unsigned long long>(exchanges_),
                  secs > 0 ? static_cast<double>(exchanges_) / secs : 0.0,
                  by_kind[static_cast<std::size_t>(ViaKind::smuggled)],
                  by_kind[static_cast<std::size_t>(ViaKind::ambiguous)],
                  by_kind[static_cast<std::size_t>(ViaKind::body)],
                  by_kind[static_cast<std::size_t>(ViaKind::desync)]);
    std::cerr << (tty && !last ? "\r" : "") << line << (last || !tty ? "\n" : "") << std::flush;
  }

  int finish() {
    const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    nlohmann::json j;
    j["proxy"] = o_.via.name;
    j["proxy_address"] = o_.via.authority();
    j["origin_port"] = o_.origin_port;
    j["seed"] = o_.seed;
    j["seconds"] = secs;
    j["inputs"] = inputs_;
    j["exchanges"] = exchanges_;  // inputs plus the minimiser's replays
    j["exec_per_s"] = secs > 0 ? static_cast<double>(exchanges_) / secs : 0.0;
    for (std::size_t k = 0; k < kViaKinds; ++k) {
      j["divergences"][std::string(to_string(static_cast<ViaKind>(k)))] = kinds_[k];
    }
    j["benign"] = {{"retries", benign_.retries},
                   {"body_dropped", benign_.body_dropped},
                   {"rewritten", benign_.rewritten},
                   {"head_as_get", benign_.head_as_get},
                   {"lenient", benign_.lenient}};
    j["flaky"] = flaky_;
    j["findings"] = nlohmann::json::array();
    for (const auto& [key, f] : findings_) {
      j["findings"].push_back({{"id", f.id},
                               {"kind", std::string(to_string(f.divergence.kind))},
                               {"signature", f.divergence.signature()},
                               {"file", "findings/" + f.id + ".md"}});
    }
    std::ofstream(o_.out + "/summary.json") << j.dump(2) << "\n";
    std::cerr << "h1spec fuzz: " << findings_.size() << " finding(s) in " << o_.out
              << "/findings/; summary " << o_.out << "/summary.json\n";
    for (const auto& [key, f] : findings_) {
      std::cerr << "  " << f.id << "  " << f.divergence.signature() << "  "
                << escape_bytes(f.minimal.bytes) << "\n";
    }
    if (harness_error_) return kFuzzHarnessError;
    return findings_.empty() ? kFuzzClean : kFuzzFindings;
  }

  const ViaOptions& o_;
  const std::vector<Seed>& seeds_;
  origin::RecordingOrigin& origin_;
  Clock::time_point start_, last_progress_;
  std::uint64_t inputs_ = 0, exchanges_ = 0;
  std::array<std::uint64_t, kViaKinds> kinds_{};
  ViaBenign benign_;
  std::size_t flaky_ = 0;
  bool harness_error_ = false;
  std::set<std::string> raw_keys_;
  std::map<std::string, std::size_t> minimised_;
  std::map<std::string, ViaFinding> findings_;
};

// Whether `inner` is `outer` or lies below it, once both are made absolute and normal.
bool inside(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  const fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

}  // namespace

int run_fuzz_via(const ViaOptions& o) {
  std::vector<Case> cases;
  if (!load_cases(o.cases_dir, cases)) return kFuzzHarnessError;
  std::vector<Seed> seeds = via_seeds();
  for (Seed& s : seeds_from_cases(cases)) seeds.push_back(std::move(s));
  if (!o.cases_dir.empty() && inside(o.out, o.cases_dir)) {
    std::cerr << "h1spec fuzz: --out " << o.out << " lies inside the case directory " << o.cases_dir
              << "; findings go under build/, never among the shipped cases\n";
    return kFuzzHarnessError;
  }
  std::error_code ec;
  fs::create_directories(o.out + "/findings", ec);
  if (ec) {
    std::cerr << "h1spec fuzz: cannot create " << o.out << "/findings: " << ec.message() << "\n";
    return kFuzzHarnessError;
  }
  ::signal(SIGPIPE, SIG_IGN);
  origin::Options oo;
  oo.port = o.origin_port;
  origin::RecordingOrigin origin(oo);
  std::string error;
  if (!origin.start(error)) {
    std::cerr << "h1spec fuzz: cannot start the origin on 127.0.0.1:" << o.origin_port << ": "
              << error << "\n";
    return kFuzzHarnessError;
  }
  ViaRun run(o, seeds, origin);
  if (const std::string why = run.preflight(); !why.empty()) {
    std::cerr << "h1spec fuzz: " << why << "\n";
    return kFuzzHarnessError;
  }
  std::cerr << "h1spec fuzz: " << seeds.size() << " seeds (" << via_seeds().size()
            << " framing seeds, the rest from " << o.cases_dir << "); proxy " << o.via.name << " ("
            << o.via.authority() << ") in front of the origin on 127.0.0.1:" << o.origin_port
            << "; seed " << o.seed << ", " << o.seconds << " s\n";
  return run.go();
}

}  // namespace h1spec::fuzz
