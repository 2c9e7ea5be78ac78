#include "cli/suite_command.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/proxy_setup.h"
#include "grade/preflight.h"
#include "grade/runner.h"
#include "report/report.h"
#include "spec/baseline.h"
#include "spec/case_loader.h"
#include "spec/waiver.h"

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
    std::string why;
    if (!parse_endpoint(t, ep, why)) {
      std::cerr << "h1spec: bad --target \"" << t << "\": " << why
                << " (want HOST:PORT[=NAME] or [IPV6]:PORT[=NAME])\n";
      return false;
    }
    ep.allow_remote = cli.allow_remote;
    if (why = guard_message(ep); !why.empty()) {
      std::cerr << "h1spec: --target " << t << " refused: " << why << "\n";
      return false;
    }
    opts.targets.push_back(ep);
  }
  if (!parse_proxies(cli, opts)) return false;
  if (!cli.fail_on.empty() && cli.fail_on != "must" && cli.fail_on != "should" &&
      cli.fail_on != "never") {
    std::cerr << "h1spec: --fail-on must be must, should or never\n";
    return false;
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

// With several targets, one row per target, in the order given.
void print_target_table(const std::vector<CaseResult>& results, const RunOptions& opts) {
  if (opts.targets.size() < 2) return;
  const bool proxies = !opts.origins.empty();
  std::printf("h1spec: per target\n  %-22s %7s %7s %7s %7s %7s %7s %12s%s\n", "target", "passed",
              "failed", "warned", "n/a", "waived", "errors", "MUST failed",
              proxies ? " SMUGGLED   DESYNC" : "");
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    std::vector<CaseResult> mine;
    for (const CaseResult& r : results) {
      if (r.target == t) mine.push_back(r);
    }
    const RunSummary s = summarise(mine, 0);
    std::printf("  %-22s %7zu %7zu %7zu %7zu %7zu %7zu %12zu", opts.targets[t].name.c_str(),
                s.passed, s.failed, s.warned, s.not_applicable, s.waived, s.errors, s.must_failed);
    if (proxies) std::printf(" %8zu %8zu", s.smuggled, s.desync);
    std::printf("\n");
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
  if (r.danger()) {  // a smuggled request or a response queue out of step is never waived
    r.reason += " [not waived: " + std::string(to_string(r.smuggling)) + " is never waived]";
    return;
  }
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

using ReportWriter = bool (*)(const std::string&, const std::vector<CaseResult>&, const RunOptions&,
                              const RunSummary&, std::string&);

std::vector<std::pair<std::string, ReportWriter>> report_files(const CliOptions& cli) {
  std::vector<std::pair<std::string, ReportWriter>> out;
  for (const auto& [path, writer] : {std::pair{cli.junit, &write_junit},
                                     {cli.json, &write_json},
                                     {cli.html, &write_html},
                                     {cli.markdown, &write_markdown}}) {
    if (!path.empty()) out.emplace_back(path, writer);
  }
  return out;
}

// Before any traffic: each report's directory exists (or is made) and the file can be
// opened for writing, so a typo is found in a second and not after the whole run. A file
// that did not exist before is removed again.
bool check_report_paths(const CliOptions& cli) {
  bool ok = true;
  for (const auto& [path, writer] : report_files(cli)) {
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    const bool existed = fs::exists(path, ec);
    std::ofstream probe(path, std::ios::binary | std::ios::app);
    if (!probe || fs::is_directory(path, ec)) {
      std::cerr << "h1spec: cannot write the report " << path
                << (parent.empty() || fs::is_directory(parent, ec) ? "" : " (no such directory)")
                << "\n";
      ok = false;
      continue;
    }
    probe.close();
    if (!existed) fs::remove(path, ec);
  }
  return ok;
}

bool write_reports(const CliOptions& cli, const std::vector<CaseResult>& results,
                   const RunOptions& opts, const RunSummary& sum) {
  std::string error;
  bool ok = true;
  for (const auto& [path, writer] : report_files(cli)) {
    if (!writer(path, results, opts, sum, error)) {
      std::cerr << "h1spec: " << error << "\n";
      ok = false;
    }
  }
  return ok;
}

enum class FailOn : std::uint8_t { must, should, never };

FailOn fail_on(const CliOptions& cli, const RunOptions& opts) {
  if (cli.fail_on == "never") return FailOn::never;
  if (cli.fail_on == "should") return FailOn::should;
  if (cli.fail_on == "must") return FailOn::must;
  return opts.profile == Profile::strict ? FailOn::should : FailOn::must;
}

// The exit status from the failures that count: every FAIL, or with a baseline only those
// that got worse than it (for targets the baseline holds; see warn_unknown_targets).
int exit_status(const std::vector<CaseResult>& results, const RunSummary& sum, FailOn on,
                const Baseline* baseline, const RunOptions& opts) {
  if (sum.errors > 0) return kExitHarness;
  bool must = false, should = false;
  for (const CaseResult& r : results) {
    if (r.verdict != Verdict::fail) continue;
    const std::string& name = opts.targets[r.target].name;
    if (baseline != nullptr && holds_target(*baseline, name) &&
        compare_with(*baseline, name, r.test->id, to_string(r.verdict)) != Change::worse) {
      continue;
    }
    must = must || r.test->level == Level::must || r.danger();
    should = should || r.test->level == Level::should;
  }
  if (on == FailOn::never) return kExitOk;
  if (must) return kExitMustFailed;
  if (should && on == FailOn::should) return kExitShouldFailed;
  return kExitOk;
}

// Lists what got worse and what got better than the baseline; cases it does not hold are
// counted apart, since a newer h1spec brings new cases.
void print_baseline_changes(const std::vector<CaseResult>& results, const Baseline& b,
                            const RunOptions& opts) {
  std::size_t worse = 0, better = 0, added = 0;
  for (const CaseResult& r : results) {
    std::string before;
    const std::string& target = opts.targets[r.target].name;
    const std::string_view now = to_string(r.verdict);
    switch (compare_with(b, target, r.test->id, now, &before)) {
      case Change::worse:
        ++worse;
        std::printf("h1spec: worse than the baseline: %s @%s %s -> %s (%s)\n", r.test->id.c_str(),
                    target.c_str(), before.c_str(), std::string(now).c_str(),
                    std::string(to_string(r.test->level)).c_str());
        break;
      case Change::better:
        ++better;
        std::printf("h1spec: better than the baseline: %s @%s %s -> %s\n", r.test->id.c_str(),
                    target.c_str(), before.c_str(), std::string(now).c_str());
        break;
      case Change::added:
        ++added;
        break;
      case Change::same:
        break;
    }
  }
  std::printf("h1spec: against the baseline %s: %zu worse, %zu better, %zu not in it\n",
              b.file.c_str(), worse, better, added);
}

// Before the run: a target name the baseline does not hold (a missing or different =NAME; the
// default name has the port in it) would make every case "not in it" and hide every failure.
void warn_unknown_targets(const Baseline& b, const RunOptions& opts) {
  for (const Endpoint& t : opts.targets) {
    if (holds_target(b, t.name)) continue;
    std::string known;
    for (const std::string& n : baseline_targets(b)) known += (known.empty() ? "" : ", ") + n;
    std::printf(
        "h1spec: warning: the baseline %s holds no target named %s (it holds: %s); every "
        "failure of %s counts (give the same name with --target HOST:PORT=NAME)\n",
        b.file.c_str(), t.name.c_str(), known.empty() ? "none" : known.c_str(), t.name.c_str());
  }
}

// One look at each target before the cases: an unreachable one stops the run.
bool preflight_targets(const RunOptions& opts) {
  for (const Endpoint& t : opts.targets) {
    const PreflightResult p = preflight(t, opts.timeout);
    if (!p.reachable) {
      std::cerr << "h1spec: " << p.error
                << (t.name == t.authority() ? "" : " (target " + t.name + ")")
                << "; is the server running? No case was run.\n";
      return false;
    }
    if (!p.warning.empty()) {
      std::printf("h1spec: warning: %s: %s\n", t.name.c_str(), p.warning.c_str());
    }
  }
  return true;
}

}  // namespace

int run_suite(const CliOptions& cli) {
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
    const auto proxy_cases = std::count_if(chosen.begin(), chosen.end(),
                                           [](const Case* c) { return c->has_tag("proxy"); });
    if (proxy_cases > 0 && cli.proxies.empty()) {
      std::printf("%zd of them proxy cases, graded only with --proxy\n", proxy_cases);
    }
    return kExitOk;
  }
  if (opts.targets.empty()) {
    std::cerr << "h1spec: give at least one --target HOST:PORT (or --proxy HOST:PORT "
                 "--origin-port N)\n";
    return kExitHarness;
  }
  if (!check_report_paths(cli)) return kExitHarness;
  drop_ungradable(cli, chosen);
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
  Baseline baseline;
  std::string error;
  if (!cli.baseline.empty() && !load_baseline(cli.baseline, baseline, error)) {
    std::cerr << "h1spec: " << error << "\n";
    return kExitHarness;
  }
  if (!cli.baseline.empty()) warn_unknown_targets(baseline, opts);
  ProxyOrigins origins;  // stopped when the run is over
  if (cli.proxies.empty() ? !preflight_targets(opts)
                          : !start_origins(cli, opts, origins) || !preflight_proxies(opts)) {
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
  const RunSummary sum = summarise(results, seconds);
  report_stale_waivers(results, waivers, opts);
  print_target_table(results, opts);
  if (!cli.baseline.empty()) print_baseline_changes(results, baseline, opts);
  std::printf(
      "h1spec: %zu passed, %zu failed, %zu warned, %zu n/a, %zu waived, %zu errors in %.1f s "
      "(%.1f cases/s)\n",
      sum.passed, sum.failed, sum.warned, sum.not_applicable, sum.waived, sum.errors, seconds,
      seconds > 0 ? static_cast<double>(results.size()) / seconds : 0.0);
  if (!cli.proxies.empty()) {
    std::printf("h1spec: %zu SMUGGLED, %zu DESYNC (each a FAIL counted as a MUST failure)\n",
                sum.smuggled, sum.desync);
  }
  const bool reports_ok = write_reports(cli, results, opts, sum);
  const int rc = exit_status(results, sum, fail_on(cli, opts),
                             cli.baseline.empty() ? nullptr : &baseline, opts);
  return reports_ok ? rc : kExitHarness;
}

}  // namespace h1spec
