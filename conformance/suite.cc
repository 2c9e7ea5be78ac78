#include "suite.h"

#include <fnmatch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "report.h"
#include "runner.h"
#include "waiver.h"

namespace h1spec {

namespace {

namespace fs = std::filesystem;

bool selected(const Case& c, const CliOptions& cli) {
  if (!cli.case_globs.empty() &&
      std::none_of(cli.case_globs.begin(), cli.case_globs.end(), [&](const std::string& g) {
        return fnmatch(g.c_str(), c.id.c_str(), 0) == 0;
      })) {
    return false;
  }
  return cli.tags.empty() || std::any_of(cli.tags.begin(), cli.tags.end(),
                                         [&](const std::string& t) { return c.has_tag(t); });
}

bool build_run_options(const CliOptions& cli, RunOptions& opts) {
  if (cli.strict || cli.profile == "strict")
    opts.profile = Profile::strict;
  else if (cli.profile == "lenient")
    opts.profile = Profile::lenient;
  else if (cli.profile != "rfc") {
    std::cerr << "h1spec: --profile must be strict, rfc or lenient\n";
    return false;
  }
  for (const std::string& t : cli.targets) {
    Endpoint ep;
    if (!parse_endpoint(t, ep)) {
      std::cerr << "h1spec: bad --target \"" << t << "\" (want HOST:PORT or HOST:PORT=NAME)\n";
      return false;
    }
    opts.targets.push_back(ep);
  }
  if (cli.timeout_ms <= 0 || cli.jobs <= 0) {
    std::cerr << "h1spec: --timeout and --jobs must be positive\n";
    return false;
  }
  opts.timeout = std::chrono::milliseconds(cli.timeout_ms);
  opts.jobs = static_cast<unsigned>(cli.jobs);
  opts.split = !cli.no_split;
  opts.seed = cli.seed;
  return true;
}

void print_result(const CaseResult& r, std::size_t done, std::size_t total, const RunOptions& opts,
                  bool verbose) {
  const int width = static_cast<int>(std::to_string(total).size());
  std::printf("[%*zu/%zu] %-5s %-32s %s", width, done, total,
              std::string(to_string(r.verdict)).c_str(), r.test->id.c_str(), r.test->title.c_str());
  if (opts.targets.size() > 1) std::printf("  @%s", opts.targets[r.target].name.c_str());
  std::printf("\n");
  if (r.verdict != Verdict::pass && !r.reason.empty()) {
    std::printf("%*s  -> %s\n", width * 2 + 3, "", r.reason.c_str());
  }
  if (verbose) {
    for (const ReplayRecord& rep : r.replays) {
      std::printf(
          "        %s%s: %s %s\n", std::string(to_string(rep.mode)).c_str(),
          rep.mode == Replay::random_split ? (" @" + std::to_string(rep.split_at)).c_str() : "",
          std::string(to_string(rep.judgement.verdict)).c_str(), rep.judgement.reason.c_str());
    }
  }
  std::fflush(stdout);
}

// Catch2 test case that reports one precomputed result as assertions.
class ResultInvoker final : public Catch::ITestInvoker {
 public:
  explicit ResultInvoker(const CaseResult* r) : r_(r) {}
  void invoke() const override {
    const Case& c = *r_->test;
    INFO(c.rfc << ": \"" << c.quote << "\" (" << to_string(c.level) << ", " << c.file << ":"
               << c.line << ")");
    if (r_->verdict == Verdict::warn) WARN("WARN: " << r_->reason);
    const bool ok = r_->verdict != Verdict::fail && r_->verdict != Verdict::error;
    if (!ok)
      FAIL_CHECK(to_string(r_->verdict) << ": " << r_->reason);
    else
      SUCCEED(to_string(r_->verdict));
  }

 private:
  const CaseResult* r_;
};

void register_with_catch(const std::vector<CaseResult>& results, const RunOptions& opts) {
  for (const CaseResult& r : results) {
    const Case& c = *r.test;
    std::string name = c.id;
    if (opts.targets.size() > 1) name += " @" + opts.targets[r.target].name;
    std::string tags;
    for (std::string_view t : c.tags) tags.append("[").append(t).append("]");
    tags.append("[").append(to_string(c.level)).append("]");
    Catch::getMutableRegistryHub().registerTest(Catch::makeTestCase(
        new ResultInvoker(&r), "", Catch::NameAndTags{name, tags},
        Catch::SourceLineInfo(c.file.c_str(), static_cast<std::size_t>(c.line))));
  }
}

// With several targets, one row per target, in the order given.
void print_target_table(const std::vector<CaseResult>& results, const RunOptions& opts) {
  if (opts.targets.size() < 2) return;
  std::printf("h1spec: per target\n  %-22s %7s %7s %7s %7s %7s %7s %12s\n", "target", "passed",
              "failed", "warned", "n/a", "waived", "errors", "MUST failed");
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    std::vector<CaseResult> mine;
    for (const CaseResult& r : results) {
      if (r.target == t) mine.push_back(r);
    }
    const RunSummary s = summarise(mine, 0);
    std::printf("  %-22s %7zu %7zu %7zu %7zu %7zu %7zu %12zu\n", opts.targets[t].name.c_str(),
                s.passed, s.failed, s.warned, s.not_applicable, s.waived, s.errors, s.must_failed);
  }
}

// Waivers by target index, then case id, from <waivers_dir>/<target name>.txt when present.
using WaiverMap = std::vector<std::map<std::string, Waiver>>;

bool load_waivers(const CliOptions& cli, const RunOptions& opts, WaiverMap& out) {
  out.assign(opts.targets.size(), {});
  bool ok = true;
  for (std::size_t t = 0; t < opts.targets.size() && !cli.waivers_dir.empty(); ++t) {
    const fs::path file = fs::path(cli.waivers_dir) / (opts.targets[t].name + ".txt");
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::ostringstream text;
    text << in.rdbuf();
    const WaiverFile w = parse_waivers(text.str(), file.string());
    for (const std::string& e : w.errors) std::cerr << "h1spec: " << e << "\n";
    ok = ok && w.errors.empty();
    for (const Waiver& v : w.waivers) out[t][v.case_id] = v;
  }
  return ok;
}

// A FAIL with an unexpired waiver becomes WAIVED; an expired one stays FAIL and says so.
void apply_waiver(CaseResult& r, const WaiverMap& waivers, const std::string& today) {
  const auto& mine = waivers[r.target];
  const auto it = mine.find(r.test->id);
  if (it == mine.end() || r.verdict != Verdict::fail) return;
  const Waiver& w = it->second;
  const std::string about = w.reason + (w.link.empty() ? "" : " (" + w.link + ")");
  if (today <= w.expires) {
    r.verdict = Verdict::waived;
    r.reason = "waived until " + w.expires + ": " + about + "; the failure: " + r.reason;
  } else {
    r.reason += " [the waiver expired on " + w.expires + ": " + about + "]";
  }
}

// Waivers whose case no longer fails are worth deleting.
void report_stale_waivers(const std::vector<CaseResult>& results, const WaiverMap& waivers,
                          const RunOptions& opts) {
  for (const CaseResult& r : results) {
    const auto& mine = waivers[r.target];
    if (mine.count(r.test->id) != 0 && r.verdict != Verdict::waived && r.verdict != Verdict::fail) {
      std::printf("h1spec: the waiver of %s for %s is stale: the case now gives %s\n",
                  r.test->id.c_str(), opts.targets[r.target].name.c_str(),
                  std::string(to_string(r.verdict)).c_str());
    }
  }
}

bool write_reports(const CliOptions& cli, const std::vector<CaseResult>& results,
                   const RunOptions& opts, const RunSummary& sum) {
  std::string error;
  bool ok = true;
  auto ensure_dir = [](const std::string& f) {
    std::error_code ec;
    const fs::path parent = fs::path(f).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
  };
  for (const auto& [path, writer] :
       {std::pair{cli.junit, &write_junit}, {cli.json, &write_json}, {cli.html, &write_html}}) {
    if (path.empty()) continue;
    ensure_dir(path);
    if (!writer(path, results, opts, sum, error)) {
      std::cerr << "h1spec: " << error << "\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace

bool load_cases(const std::string& dir, std::vector<Case>& cases) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  if (ec || files.empty()) {
    std::cerr << "h1spec: no case files in " << dir << (ec ? ": " + ec.message() : "") << "\n";
    return false;
  }
  std::sort(files.begin(), files.end());
  bool ok = true;
  std::set<std::string> ids;
  for (const fs::path& p : files) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    CaseFile parsed = parse_case_file(text.str(), p.filename().string());
    for (const CaseFileError& e : parsed.errors) {
      std::cerr << (dir + "/") << e.describe() << "\n";
      ok = false;
    }
    for (Case& c : parsed.cases) {
      if (!ids.insert(c.id).second) {
        std::cerr << dir << "/" << c.file << ":" << c.line << ": duplicate case id " << c.id
                  << "\n";
        ok = false;
      }
      cases.push_back(std::move(c));
    }
  }
  return ok;
}

int run_suite(const CliOptions& cli, const std::function<int()>& run_catch) {
  RunOptions opts;
  if (!build_run_options(cli, opts)) return kExitHarness;
  std::vector<Case> cases;
  if (!load_cases(cli.cases_dir, cases)) return kExitHarness;
  std::vector<const Case*> chosen;
  for (const Case& c : cases) {
    if (selected(c, cli)) chosen.push_back(&c);
  }
  if (cli.list) {
    for (const Case* c : chosen) {
      std::printf("%-32s %-6s %-16s %s\n", c->id.c_str(), std::string(to_string(c->level)).c_str(),
                  c->rfc.c_str(), c->title.c_str());
    }
    std::printf("%zu cases\n", chosen.size());
    return kExitOk;
  }
  if (opts.targets.empty()) {
    std::cerr << "h1spec: give at least one --target HOST:PORT\n";
    return kExitHarness;
  }
  if (chosen.empty()) {
    std::cerr << "h1spec: no case matches the selection\n";
    return kExitHarness;
  }
  ExpectedFiles files(cli.docroot);
  if (!files.get("index.html")) {
    std::cerr << "h1spec: cannot read index.html under --docroot " << cli.docroot << "\n";
    return kExitHarness;
  }
  WaiverMap waivers;
  if (!load_waivers(cli, opts, waivers)) return kExitHarness;
  const std::string today = cli.today.empty() ? today_utc() : cli.today;
  if (!valid_date(today)) {
    std::cerr << "h1spec: --today wants a date YYYY-MM-DD\n";
    return kExitHarness;
  }
  const auto start = Clock::now();
  const std::vector<CaseResult> results = run_cases(
      chosen, opts, files,
      [&](CaseResult& r, std::size_t done, std::size_t total) {
        apply_waiver(r, waivers, today);
        print_result(r, done, total, opts, cli.verbose);
      },
      [&](std::size_t t, Capability c, const std::string& why) {
        std::printf("h1spec: %s lacks %s (%s): the cases that need it are N/A\n",
                    opts.targets[t].name.c_str(), std::string(to_string(c)).c_str(), why.c_str());
      });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  register_with_catch(results, opts);
  (void)run_catch();  // Catch2 reports the same verdicts as assertions
  const RunSummary sum = summarise(results, seconds);
  report_stale_waivers(results, waivers, opts);
  print_target_table(results, opts);
  std::printf(
      "h1spec: %zu passed, %zu failed, %zu warned, %zu n/a, %zu waived, %zu errors in %.1f s "
      "(%.1f cases/s)\n",
      sum.passed, sum.failed, sum.warned, sum.not_applicable, sum.waived, sum.errors, seconds,
      seconds > 0 ? static_cast<double>(results.size()) / seconds : 0.0);
  const bool reports_ok = write_reports(cli, results, opts, sum);
  if (sum.errors > 0 || !reports_ok) return kExitHarness;
  if (sum.must_failed > 0) return kExitMustFailed;
  if (sum.should_failed > 0 && opts.profile == Profile::strict) return kExitShouldFailed;
  return kExitOk;
}

}  // namespace h1spec
