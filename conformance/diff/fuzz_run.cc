#include "diff/fuzz_run.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "diff/fuzz_finding.h"
#include "diff/fuzz_minimize.h"
#include "diff/fuzz_mutate.h"
#include "diff/fuzz_outcome.h"
#include "spec/case_loader.h"
#include "wire/wire_connection.h"

namespace h1spec::fuzz {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

bool parse_port(std::string_view text, int& out) {
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc{} && r.ptr == end;
}

constexpr std::size_t kMaxResponseBytes = 8u << 20;   // per exchange; more is cut off
constexpr milliseconds kWritePause{2};                // between the writes of one mutant
constexpr std::size_t kMinimiseRunsPerSignature = 8;  // then duplicates are only counted
constexpr std::size_t kMaxCrashFindings = 10;
constexpr std::string_view kHealthRequest =
    "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

// ---- Exchanges --------------------------------------------------------------------------

// Sends the mutant (one write per piece, a short pause between), half-closes, reads to the end.
Outcome exchange(const Endpoint& ep, const Mutant& m, milliseconds timeout) {
  WireConnection c;
  std::string error;
  if (!c.connect(ep, timeout, error)) return Outcome{{}, End::connect_failed, false, 0};
  c.set_nodelay(true);
  const Clock::time_point deadline = Clock::now() + timeout;
  std::size_t from = 0;
  std::vector<std::size_t> ends = m.cuts;
  ends.push_back(m.bytes.size());
  for (std::size_t k = 0; k < ends.size(); ++k) {
    if (ends[k] <= from) continue;
    if (!c.send_all(std::string_view(m.bytes).substr(from, ends[k] - from), deadline)) break;
    from = ends[k];
    if (k + 1 < ends.size()) std::this_thread::sleep_for(kWritePause);
  }
  c.shutdown_write();
  std::string in;
  End end = End::closed;
  for (;;) {
    const RecvStatus s = c.receive(in, deadline);
    if (s == RecvStatus::data && in.size() < kMaxResponseBytes) continue;
    end = s == RecvStatus::reset     ? End::reset
          : s == RecvStatus::timeout ? End::timeout
                                     : End::closed;
    break;
  }
  return outcome_from(in, end);
}

// A well-formed GET on a new connection gets the start of a response.
bool healthy(const Endpoint& ep, milliseconds timeout) {
  WireConnection c;
  std::string error;
  if (!c.connect(ep, timeout, error)) return false;
  const Clock::time_point deadline = Clock::now() + timeout;
  if (!c.send_all(kHealthRequest, deadline)) return false;
  std::string in;
  while (in.size() < 8 && c.receive(in, deadline) == RecvStatus::data) {
  }
  return in.starts_with("HTTP/1.");
}

// ---- The oracle h1ref -------------------------------------------------------------------

class OracleProcess {
 public:
  ~OracleProcess() { stop(); }

  // Starts h1ref on a free loopback port; its output goes to log_path.
  bool start(const FuzzOptions& o, const std::string& log_path, Endpoint& out) {
    std::error_code ec;
    if (!fs::exists(o.h1ref, ec)) {
      std::cerr << "h1spec fuzz: no h1ref at " << o.h1ref
                << " (build it, or give --h1ref or --oracle)\n";
      return false;
    }
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0) {
      std::cerr << "h1spec fuzz: cannot write " << log_path << "\n";
      return false;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::execl(o.h1ref.c_str(), "h1ref", "--root", o.docroot.c_str(), "--host", "127.0.0.1",
              "--port", "0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(log);
    if (pid_ < 0) {
      std::cerr << "h1spec fuzz: fork failed\n";
      return false;
    }
    for (int i = 0; i < 100; ++i) {
      std::ifstream in(log_path);
      std::string line;
      while (std::getline(in, line)) {
        constexpr std::string_view kPrefix = "listening on http://127.0.0.1:";
        if (line.starts_with(kPrefix) &&
            parse_port(std::string_view(line).substr(kPrefix.size()), out.port)) {
          out.host = "127.0.0.1";
          out.name = "h1ref";
          return true;
        }
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        std::cerr << "h1spec fuzz: h1ref exited at start; see " << log_path << "\n";
        return false;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    std::cerr << "h1spec fuzz: h1ref did not say where it listens within 5 s; see " << log_path
              << "\n";
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// ---- The run ----------------------------------------------------------------------------

class Run {
 public:
  Run(const FuzzOptions& o, const std::vector<Seed>& seeds, Endpoint oracle)
      : o_(o), seeds_(seeds), oracle_(std::move(oracle)) {}

  int go() {
    start_ = Clock::now();
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < o_.jobs; ++i) workers.emplace_back([this] { work(); });
    progress_loop();
    for (std::thread& t : workers) t.join();
    progress_line(true);
    return finish();
  }

 private:
  bool time_left() const {
    return Clock::now() - start_ < std::chrono::duration<double>(o_.seconds);
  }

  void work() {
    while (!stop_.load()) {
      const std::uint64_t index = next_.fetch_add(1);
      if (index >= o_.count || !time_left()) break;
      const Mutant m = make_mutant(seeds_, o_.seed, index);
      const Outcome t = exchange(o_.target, m, o_.timeout);
      // No answer at all (a failed connection, a silent close, a timeout): is it still up?
      if (t.statuses.empty() && t.bytes == 0 && !healthy(o_.target, o_.timeout)) {
        on_target_down(m, index, t);
        continue;
      }
      const Outcome r = exchange(oracle_, m, o_.timeout);
      if (r.end == End::connect_failed) {
        std::lock_guard lock(mu_);
        if (!stop_.exchange(true)) std::cerr << "\nh1spec fuzz: the oracle stopped answering\n";
        harness_error_ = true;
        break;
      }
      ++done_;
      const Difference d = compare(t, r, m.bytes);
      ++kinds_[static_cast<std::size_t>(d.kind)];
      if (d.kind == Kind::danger || d.kind == Kind::framing || d.kind == Kind::strictness) {
        on_discrepancy(m, index, d);
      }
    }
  }

  void on_discrepancy(const Mutant& m, std::uint64_t index, const Difference& d) {
    {
      std::lock_guard lock(mu_);
      if (!raw_keys_.insert(finding_key(d, m.bytes)).second) return;
      if (minimised_[d.signature()]++ >= kMinimiseRunsPerSignature) return;
    }
    const std::string signature = d.signature();
    bool lost = false;  // the target refused a connection while minimising
    const auto keeps = [&](const Mutant& c) {
      const Outcome t = exchange(o_.target, c, o_.timeout);
      if (t.end == End::connect_failed) lost = true;
      if (lost) return false;
      const Outcome r = exchange(oracle_, c, o_.timeout);
      return compare(t, r, c.bytes).signature() == signature;
    };
    Mutant small = minimize(m, keeps, o_.budget);
    if (lost && !healthy(o_.target, o_.timeout)) {
      on_target_down(m, index, Outcome{{}, End::connect_failed, false, 0});
      return;
    }
    Outcome t = exchange(o_.target, small, o_.timeout);
    Outcome r = exchange(oracle_, small, o_.timeout);
    Difference d2 = compare(t, r, small.bytes);
    if (d2.signature() != signature) {  // not reproducible as minimised: keep the original
      small = m;
      t = exchange(o_.target, m, o_.timeout);
      r = exchange(oracle_, m, o_.timeout);
      d2 = compare(t, r, m.bytes);
      if (d2.kind != d.kind) return;  // flaky: not a finding
    }
    Finding f;
    f.key = finding_key(d2, small.bytes);
    f.id = "FUZZ-" + upper_ascii(to_string(d2.kind)) + "-" + finding_hash(f.key);
    f.difference = d2;
    f.original = m;
    f.minimal = std::move(small);
    f.target = t;
    f.oracle = r;
    f.target_name = o_.target.name;
    f.run_seed = o_.seed;
    f.index = index;
    f.seed = &seeds_[m.seed];
    record(std::move(f));
  }

  void on_target_down(const Mutant& m, std::uint64_t index, const Outcome& t) {
    std::unique_lock lock(mu_);
    if (stop_.load()) return;
    if (crashes_ < kMaxCrashFindings) {
      ++crashes_;
      Finding f;
      f.crash = true;
      f.key = "crash|" + escape_bytes(m.bytes);
      f.id = "FUZZ-CRASH-" + finding_hash(f.key);
      f.original = f.minimal = m;
      f.target = t;
      f.target_name = o_.target.name;
      f.run_seed = o_.seed;
      f.index = index;
      f.seed = &seeds_[m.seed];
      lock.unlock();
      record(std::move(f));
      lock.lock();
    }
    std::cerr << "\nh1spec fuzz: " << o_.target.name << " stopped answering after mutant " << index
              << "; waiting up to " << o_.recover_seconds << " s for it\n";
    const Clock::time_point until =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(o_.recover_seconds));
    while (Clock::now() < until) {
      if (healthy(o_.target, o_.timeout)) {
        std::cerr << "h1spec fuzz: " << o_.target.name << " is back; going on\n";
        return;
      }
      std::this_thread::sleep_for(milliseconds(250));
    }
    std::cerr << "h1spec fuzz: " << o_.target.name << " did not come back; stopping\n";
    stop_ = true;
  }

  void record(Finding f) {
    std::lock_guard lock(mu_);
    if (findings_.count(f.key) != 0) return;
    std::error_code ec;
    fs::create_directories(o_.out, ec);
    const std::string base = o_.out + "/" + f.id;
    std::ofstream(base + ".md", std::ios::binary) << case_markdown(f);
    std::ofstream(base + ".json", std::ios::binary) << finding_json(f);
    std::cerr << "\nh1spec fuzz: new finding " << f.id << " ("
              << (f.crash ? "crash" : f.difference.signature()) << "), " << f.minimal.bytes.size()
              << " bytes: " << base << ".md\n";
    findings_.emplace(f.key, std::move(f));
  }

  void progress_loop() {
    const bool tty = ::isatty(2) != 0;
    int tick = 0;
    while (!stop_.load() && time_left() && next_.load() < o_.count) {
      std::this_thread::sleep_for(milliseconds(200));
      if (++tick % (tty ? 5 : 25) == 0) progress_line(false);
    }
  }

  void progress_line(bool last) {
    const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    std::lock_guard lock(mu_);
    std::size_t by_kind[5] = {};
    for (const auto& [key, f] : findings_) {
      if (!f.crash) ++by_kind[static_cast<std::size_t>(f.difference.kind)];
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "fuzz %s: %.0f s, %llu mutants (%.0f/s), findings: danger %zu, framing %zu, "
                  "strictness %zu, crash %zu",
                  o_.target.name.c_str(), secs, static_cast<unsigned long long>(done_.load()),
                  secs > 0 ? static_cast<double>(done_.load()) / secs : 0.0,
                  by_kind[static_cast<std::size_t>(Kind::danger)],
                  by_kind[static_cast<std::size_t>(Kind::framing)],
                  by_kind[static_cast<std::size_t>(Kind::strictness)], crashes_);
    std::cerr << (::isatty(2) != 0 && !last ? "\r" : "") << line
              << (last || ::isatty(2) == 0 ? "\n" : "") << std::flush;
  }

  int finish() {
    std::error_code ec;
    fs::create_directories(o_.out, ec);
    std::ostringstream json;
    json << "{\n  \"target\": \"" << o_.target.name << "\",\n  \"seed\": " << o_.seed
         << ",\n  \"mutants\": " << done_.load() << ",\n  \"discrepancies\": {";
    for (std::size_t k = 0; k < 5; ++k) {
      json << (k ? ", " : "") << "\"" << to_string(static_cast<Kind>(k))
           << "\": " << kinds_[k].load();
    }
    json << "},\n  \"findings\": [";
    bool first = true;
    for (const auto& [key, f] : findings_) {
      json << (first ? "" : ",") << "\n    {\"id\": \"" << f.id << "\", \"kind\": \""
           << (f.crash ? "crash" : to_string(f.difference.kind)) << "\", \"file\": \"" << f.id
           << ".md\"}";
      first = false;
    }
    json << "\n  ]\n}\n";
    std::ofstream(o_.out + "/summary.json") << json.str();
    std::cerr << "h1spec fuzz: " << findings_.size() << " finding(s) in " << o_.out << "/\n";
    for (const auto& [key, f] : findings_) {
      std::cerr << "  " << f.id << "  " << (f.crash ? "crash" : f.difference.signature()) << "  "
                << escape_bytes(f.minimal.bytes) << "\n";
    }
    if (harness_error_) return kFuzzHarnessError;
    return findings_.empty() ? kFuzzClean : kFuzzFindings;
  }

  const FuzzOptions& o_;
  const std::vector<Seed>& seeds_;
  Endpoint oracle_;
  Clock::time_point start_;
  std::atomic<std::uint64_t> next_{0}, done_{0};
  std::atomic<std::uint64_t> kinds_[5] = {};
  std::atomic<bool> stop_{false};
  bool harness_error_ = false;
  std::mutex mu_;
  std::set<std::string> raw_keys_;
  std::map<std::string, std::size_t> minimised_;
  std::map<std::string, Finding> findings_;
  std::size_t crashes_ = 0;
};

}  // namespace

int run_fuzz(const FuzzOptions& o) {
  std::vector<Case> cases;
  if (!load_cases(o.cases_dir, cases)) return kFuzzHarnessError;
  const std::vector<Seed> seeds = seeds_from_cases(cases);
  if (seeds.empty()) {
    std::cerr << "h1spec fuzz: no raw case in " << o.cases_dir << " to start from\n";
    return kFuzzHarnessError;
  }
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) {
    std::cerr << "h1spec fuzz: cannot create " << o.out << ": " << ec.message() << "\n";
    return kFuzzHarnessError;
  }
  ::signal(SIGPIPE, SIG_IGN);
  OracleProcess process;
  Endpoint oracle;
  if (o.oracle) {
    oracle = *o.oracle;
  } else if (!process.start(o, o.out + "/oracle.log", oracle)) {
    return kFuzzHarnessError;
  }
  for (const Endpoint* ep : std::initializer_list<const Endpoint*>{&o.target, &oracle}) {
    if (!healthy(*ep, o.timeout)) {
      std::cerr << "h1spec fuzz: " << ep->authority() << " does not answer a GET of /index.html\n";
      return kFuzzHarnessError;
    }
  }
  std::cerr << "h1spec fuzz: " << seeds.size() << " seeds from " << o.cases_dir << "; target "
            << o.target.name << " (" << o.target.authority() << "), oracle h1ref at "
            << oracle.authority() << "; seed " << o.seed << ", " << o.seconds << " s, " << o.jobs
            << " jobs\n";
  return Run(o, seeds, oracle).go();
}

}  // namespace h1spec::fuzz
