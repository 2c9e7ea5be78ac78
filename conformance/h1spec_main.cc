// h1spec's entry point: Catch2 is the engine, and its command line carries h1spec's options.
// Kept alone in this file because the Catch2 runner takes long to compile.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fuzz_run.h"
#include "suite.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "fuzz") {  // h1spec fuzz: see fuzz_run.h
    h1spec::fuzz::Defaults d;
#ifdef H1SPEC_CASES_DIR
    d.cases_dir = H1SPEC_CASES_DIR;
#endif
#ifdef H1SPEC_DOCROOT
    d.docroot = H1SPEC_DOCROOT;
#endif
#ifdef H1SPEC_H1REF
    d.h1ref = H1SPEC_H1REF;
#endif
    return h1spec::fuzz::fuzz_main(argc - 1, argv + 1, d);
  }
  using Catch::clara::Opt;
  using Catch::clara::ParseResultType;
  using Catch::clara::ParserResult;
  h1spec::CliOptions o;  // vectors bound to Opt make the option repeatable
#ifdef H1SPEC_CASES_DIR
  o.cases_dir = H1SPEC_CASES_DIR;
#endif
#ifdef H1SPEC_DOCROOT
  o.docroot = H1SPEC_DOCROOT;
#endif
#ifdef H1SPEC_WAIVERS_DIR
  o.waivers_dir = H1SPEC_WAIVERS_DIR;
#endif
  Catch::Session session;
  session.cli(session.cli() |
              Opt(o.targets, "host:port[=name]")["--target"]("server to grade (repeatable)") |
              Opt(o.case_globs, "glob")["--case"]("select cases by id glob (repeatable)") |
              Opt(o.tags, "tag")["--tag"]("select cases by tag (repeatable)") |
              Opt(o.profile, "strict|rfc|lenient")["--profile"]("grading profile (default rfc)") |
              Opt(o.strict)["--strict"]("same as --profile strict: SHOULD failures exit 2") |
              Opt(o.list)["--list"]("list the selected case ids and exit") |
              Opt(o.junit, "file")["--junit"]("write a JUnit XML report") |
              Opt(o.json, "file")["--json"]("write a JSON report with raw bytes") |
              Opt(o.html, "file")["--html"]("write a self-contained HTML report") |
              Opt(o.timeout_ms, "ms")["--timeout"]("per-read timeout (default 1500)") |
              Opt(o.no_split)["--no-split"]("replay raw cases whole only") |
              Opt(o.verbose)["--verbose"]("-v: print every replay") |
              Opt(o.cases_dir, "dir")["--cases"]("case files directory") |
              Opt(o.docroot, "dir")["--docroot"]("copy of html/ to compare bodies with") |
              Opt(o.jobs, "n")["--jobs"]("cases run in parallel (default 8)") |
              Opt(o.seed, "n")["--seed"]("seed of the random split points (default 1)") |
              Opt(o.waivers_dir, "dir")["--waivers"]("waiver files, one per target name") |
              Opt(o.today, "YYYY-MM-DD")["--today"]("the date waivers expire against"));
  // "-v" is h1spec's verbose flag; Catch2 would read it as --verbosity.
  std::vector<std::string> args(argv, argv + argc);
  for (std::string& a : args) {
    if (a == "-v") a = "--verbose";
  }
  std::vector<const char*> cargs;
  for (const std::string& a : args) cargs.push_back(a.c_str());
  if (session.applyCommandLine(static_cast<int>(cargs.size()), cargs.data()) != 0) {
    return h1spec::kExitHarness;
  }
  if (session.configData().showHelp) return h1spec::kExitOk;
  return h1spec::run_suite(o, [&session] { return session.run(); });
}
