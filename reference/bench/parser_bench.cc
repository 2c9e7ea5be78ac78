// parser_bench: h1ref's request-head parser against Debian's http-parser 2.9.4, on the same
// bytes in the same binary (Google Benchmark 1.7.1). Both sides do what a server does with a
// head held whole in one buffer: parse it and keep views of the target and every field.
// After the runs, a table gives the median ns per request of each parser and the ratio.
//
// Exit status: 0, or 1 when a parser failed to parse an input (2 for an unknown flag). The
// goal line reports; it never fails the run, because this is a measurement, not a test.
#include <benchmark/benchmark.h>
#include <http_parser.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/limits.h"
#include "http/request_parser.h"

namespace {

// --- Inputs: each one complete request head, parsed whole by both parsers. ---

constexpr std::string_view kMinimalGet = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
static_assert(kMinimalGet.size() == 27);

// A typical non-browser-cookie request: 10 fields, values padded to 487 bytes in all.
constexpr std::string_view kTenFields =
    "GET /articles/2024/http-parsing HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: max-age=0\r\n"
    "Referer: https://www.example.com/articles/2024/\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "If-None-Match: \"5f3c9a1b7e2d4c6a8b0e1f2a\"\r\n"
    "\r\n";
static_assert(kTenFields.size() == 487);

// What Chrome sends for a navigation: client hints, fetch metadata and a cookie of 4 pairs.
constexpr std::string_view kBrowser =
    "GET /account/settings HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Not_A Brand\";v=\"8\", \"Chromium\";v=\"120\", \"Google Chrome\";v=\"120\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "*/*;q=0.8\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Referer: https://example.com/\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Cookie: sid=8f14e45fceea1; csrf=c9f0f895fb98ab91; theme=dark; lang=en\r\n"
    "\r\n";
static_assert(kBrowser.size() == 697);

struct Input {
  const char* name;
  std::string_view bytes;
};
constexpr std::array<Input, 3> kInputs{{
    {"minimal_get", kMinimalGet},
    {"ten_fields", kTenFields},
    {"browser_cookies", kBrowser},
}};

constexpr std::size_t kMaxFields = 32;  // field views either parser keeps; inputs have <= 17
constexpr double kGoal = 5.0;           // wanted: h1ref at least this many times as fast

// Set by any failed parse, so that main can exit 1 even if the console scrolled past it.
bool g_parse_failed = false;

// Fails the benchmark with `why` and remembers the failure for the exit status.
void fail(benchmark::State& state, const char* why) {
  g_parse_failed = true;
  state.SkipWithError(why);
}

// Bytes and requests per iteration, so that the console shows MB/s and requests/s too.
void set_throughput(benchmark::State& state, std::string_view in) {
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.size()));
  state.SetItemsProcessed(state.iterations());
}

// --- h1ref ---

// True when h1ref parses `in` as exactly one complete head.
bool h1ref_parses(h1::http::RequestParser& parser, std::string_view in) {
  parser.reset();
  const h1::http::ParseResult r = parser.parse(in);
  return r.complete() && r.consumed == in.size();
}

// Times reset + parse of `in`, the two calls the server makes per request on a keep-alive
// connection (reference/core/connection.cc).
void bm_h1ref(benchmark::State& state, std::string_view in) {
  const h1::http::Limits limits{};
  std::array<h1::http::Field, kMaxFields> storage{};
  h1::http::RequestParser parser(limits, storage);
  // Checked before timing as well, so that a broken parse is never timed silently.
  if (!h1ref_parses(parser, in)) return fail(state, "h1ref did not parse the whole input");
  for (auto _ : state) {
    parser.reset();
    h1::http::ParseResult r = parser.parse(in);
    if (!r.complete() || r.consumed != in.size()) {
      fail(state, "h1ref did not parse the whole input");
      break;
    }
    std::span<const h1::http::Field> fields = parser.request().fields;
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(fields);
  }
  set_throughput(state, in);
}

// --- http-parser ---

// What a server keeps from http-parser's callbacks: views into its input buffer.
struct Recorded {
  std::string_view url;
  std::array<h1::http::Field, kMaxFields> fields;
  std::size_t count = 0;
  bool in_value = false;  // the last header callback was on_header_value
  unsigned method = 0;
  bool keep_alive = false;
  bool complete = false;

  // Forgets the previous request; the field views are overwritten, not cleared.
  void reset() {
    url = {};
    count = 0;
    in_value = false;
    complete = false;
  }
};

// The Recorded that parser->data points to.
Recorded& recorded(http_parser* parser) { return *static_cast<Recorded*>(parser->data); }

// Appends a piece to a view. http-parser may split a token across callbacks; with the head in
// one buffer (as here) the pieces are adjacent, so a view only needs to grow.
void extend(std::string_view& v, const char* at, std::size_t n) {
  v = v.empty() ? std::string_view(at, n) : std::string_view(v.data(), v.size() + n);
}

// Records (a piece of) the request-target.
int on_url(http_parser* parser, const char* at, std::size_t n) {
  extend(recorded(parser).url, at, n);
  return 0;
}

// Records (a piece of) a field name; a name after a value starts the next field.
int on_header_field(http_parser* parser, const char* at, std::size_t n) {
  Recorded& r = recorded(parser);
  if (r.count == 0 || r.in_value) {
    if (r.count == kMaxFields) return 1;  // too many fields: a server answers 431
    r.fields[r.count++] = {std::string_view(at, n), {}};
    r.in_value = false;
  } else {
    extend(r.fields[r.count - 1].name, at, n);
  }
  return 0;
}

// Records (a piece of) the value of the current field.
int on_header_value(http_parser* parser, const char* at, std::size_t n) {
  Recorded& r = recorded(parser);
  std::string_view& value = r.fields[r.count - 1].value;
  if (!r.in_value) value = {};
  extend(value, at, n);
  r.in_value = true;
  return 0;
}

// Records what h1ref's Request also holds: the method and the connection's persistence.
int on_headers_complete(http_parser* parser) {
  Recorded& r = recorded(parser);
  r.method = parser->method;
  r.keep_alive = http_should_keep_alive(parser) != 0;
  return 0;
}

// Marks the request complete (a GET without a body ends with its head).
int on_message_complete(http_parser* parser) {
  recorded(parser).complete = true;
  return 0;
}

// The callbacks above; the others stay null, as a server without body or chunk hooks has them.
http_parser_settings make_settings() {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_url = on_url;
  s.on_header_field = on_header_field;
  s.on_header_value = on_header_value;
  s.on_headers_complete = on_headers_complete;
  s.on_message_complete = on_message_complete;
  return s;
}

// Parses `in` from a fresh parser state; true when every byte went into one complete request.
bool http_parser_parses(http_parser& parser, const http_parser_settings& settings, Recorded& rec,
                        std::string_view in) {
  http_parser_init(&parser, HTTP_REQUEST);
  parser.data = &rec;
  rec.reset();
  const std::size_t n = http_parser_execute(&parser, &settings, in.data(), in.size());
  return n == in.size() && HTTP_PARSER_ERRNO(&parser) == HPE_OK && rec.complete;
}

// Times init + execute of `in` with recording callbacks.
void bm_http_parser(benchmark::State& state, std::string_view in) {
  const http_parser_settings settings = make_settings();
  http_parser parser;
  Recorded rec;
  if (!http_parser_parses(parser, settings, rec, in)) {
    return fail(state, "http-parser did not parse the whole input");
  }
  for (auto _ : state) {
    bool ok = http_parser_parses(parser, settings, rec, in);
    if (!ok) {
      fail(state, "http-parser did not parse the whole input");
      break;
    }
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(rec);
  }
  set_throughput(state, in);
}

// --- Summary ---

// The console reporter, plus a record of every run's real time per request for the table.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  // Prints the runs as usual and keeps their times, in ns, by benchmark name.
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) {
        failed_ = true;
        continue;
      }
      Times& t = times_[run.run_name.function_name];
      const double ns =
          run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
      if (run.run_type == Run::RT_Iteration) t.repetitions.push_back(ns);
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") t.median = ns;
    }
  }

  // Median ns per request of `name`: the library's median aggregate when it computed one (2+
  // repetitions), else the median of the repetitions seen; NaN when the benchmark never ran.
  double median_ns(const std::string& name) const {
    const auto it = times_.find(name);
    if (it == times_.end()) return NAN;
    if (!std::isnan(it->second.median)) return it->second.median;
    std::vector<double> v = it->second.repetitions;
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t mid = v.size() / 2;
    return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  bool failed() const { return failed_; }
  bool empty() const { return times_.empty(); }

 private:
  struct Times {
    std::vector<double> repetitions;
    double median = NAN;
  };
  std::map<std::string, Times> times_;
  bool failed_ = false;
};

// Prints one parser's columns: ns per request, millions of requests/s and MB/s (10^6 bytes).
void print_rate(double ns, std::size_t bytes) {
  if (std::isnan(ns)) {
    std::printf(" %9s %8s %9s |", "-", "-", "-");
    return;
  }
  std::printf(" %9.1f %8.2f %9.1f |", ns, 1e3 / ns, static_cast<double>(bytes) * 1e3 / ns);
}

// Prints the per-input table and the goal line from the medians the reporter collected.
void print_summary(const SummaryReporter& reporter) {
  std::printf("\nsummary: median real time per request over the repetitions\n");
  std::printf("%-16s %5s |%28s |%28s | %s\n", "", "", "h1ref", "http-parser", "h1ref is");
  std::printf("%-16s %5s |", "input", "bytes");
  for (int i = 0; i < 2; ++i) std::printf(" %9s %8s %9s |", "ns/req", "Mreq/s", "MB/s");
  std::printf(" x http-parser\n");
  int met = 0;
  std::string verdicts;
  for (const Input& in : kInputs) {
    const double h1 = reporter.median_ns(std::string("h1ref/") + in.name);
    const double hp = reporter.median_ns(std::string("http-parser/") + in.name);
    std::printf("%-16s %5zu |", in.name, in.bytes.size());
    print_rate(h1, in.bytes.size());
    print_rate(hp, in.bytes.size());
    const double ratio = hp / h1;  // NaN when either is missing
    if (std::isnan(ratio)) {
      std::printf(" -\n");
      verdicts += std::string("  ") + in.name + ": not measured\n";
      continue;
    }
    std::printf(" %.1f x\n", ratio);
    met += ratio >= kGoal ? 1 : 0;
    char line[128];
    std::snprintf(line, sizeof line, "  %s: %.1f x, %s\n", in.name, ratio,
                  ratio >= kGoal ? "met" : "NOT met");
    verdicts += line;
  }
  std::printf("\ngoal: h1ref >= %.1f x http-parser on every input: %s (%d of %zu)\n%s", kGoal,
              met == static_cast<int>(kInputs.size()) ? "met" : "NOT met", met, kInputs.size(),
              verdicts.c_str());
}

// True when argv or the environment (BENCHMARK_<FLAG>) already sets --<flag>.
bool flag_given(int argc, char** argv, const std::string& flag) {
  std::string env = flag;
  std::transform(env.begin(), env.end(), env.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  if (std::getenv(env.c_str()) != nullptr) return true;
  const std::string opt = "--" + flag;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with(opt) && (arg.size() == opt.size() || arg[opt.size()] == '=')) return true;
  }
  return false;
}

}  // namespace

// Registers one benchmark per parser and input, runs them with our defaults (5 interleaved
// repetitions of 0.2 s: medians that a shared machine disturbs little) and prints the table.
int main(int argc, char** argv) {
  std::vector<std::string> defaults;
  for (const char* d : {"benchmark_repetitions=5", "benchmark_enable_random_interleaving=true",
                        "benchmark_min_time=0.2"}) {
    const std::string flag(d, std::strchr(d, '='));
    if (!flag_given(argc, argv, flag)) defaults.push_back(std::string("--") + d);
  }
  std::vector<char*> args(argv, argv + argc);
  for (std::string& d : defaults) args.push_back(d.data());
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);  // argv[argc] is null by convention

  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;

  for (const Input& in : kInputs) {
    benchmark::RegisterBenchmark((std::string("h1ref/") + in.name).c_str(), bm_h1ref, in.bytes);
    benchmark::RegisterBenchmark((std::string("http-parser/") + in.name).c_str(), bm_http_parser,
                                 in.bytes);
  }

  SummaryReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                 : benchmark::ConsoleReporter::OO_None);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (!reporter.empty()) print_summary(reporter);
  std::fflush(stdout);
  return g_parse_failed || reporter.failed() ? 1 : 0;
}
