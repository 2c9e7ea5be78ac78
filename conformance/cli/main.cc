// h1spec's entry point: `h1spec [options]` grades servers with the case suite, and
// `h1spec fuzz [options]` runs the differential fuzzer.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "cli/data_dirs.h"
#include "cli/fuzz_command.h"
#include "cli/suite_command.h"
#include "h1_version.h"

namespace {

constexpr const char* kVersion = "h1spec " H1_VERSION " (git " H1_GIT_REVISION ")";

int run(int argc, char** argv) {
  const h1spec::DataDirs data = h1spec::find_data_dirs();
  if (argc > 1 && std::string(argv[1]) == "fuzz") {
    return h1spec::fuzz::fuzz_main(argc - 1, argv + 1, {data.cases, data.docroot, data.h1ref});
  }
  h1spec::CliOptions o;
  o.cases_dir = data.cases;
  o.docroot = data.docroot;
  o.waivers_dir = data.waivers;
  CLI::App app{
      "h1spec grades HTTP/1.1 servers on loopback against documented cases, each resting on an "
      "RFC 9110/9112 sentence.\n`h1spec fuzz --help` describes the differential fuzzer.",
      "h1spec"};
  app.set_version_flag("--version", kVersion);
  app.get_formatter()->column_width(34);
  app.add_option("--target", o.targets, "server to grade, HOST:PORT[=NAME]; repeatable")
      ->type_name("HOST:PORT[=NAME]");
  app.add_option("--proxy", o.proxies,
                 "reverse proxy to grade (loopback), HOST:PORT[=NAME]; repeatable, each with an "
                 "--origin-port")
      ->type_name("HOST:PORT[=NAME]");
  app.add_option("--origin-port", o.origin_ports,
                 "the k-th proxy forwards to 127.0.0.1:N, where h1spec runs its recording origin")
      ->type_name("N");
  app.add_option("--origin-backend", o.origin_backend,
                 "with --proxy, also run the origin cases: the origin relays them to this server")
      ->type_name("HOST:PORT");
  app.add_flag("--allow-remote", o.allow_remote,
               "also send to targets that are not loopback addresses (only hosts you own)");
  app.add_option("--case", o.case_globs, "select cases by id glob; repeatable")->type_name("GLOB");
  app.add_option("--tag", o.tags, "select cases by tag; repeatable")->type_name("TAG");
  app.add_option("--profile", o.profile, "grading profile (default rfc)")
      ->type_name("strict|rfc|lenient");
  app.add_flag("--strict", o.strict, "same as --profile strict: SHOULD failures exit 2");
  app.add_option("--fail-on", o.fail_on,
                 "what fails the run: must (exit 1), should (also exit 2 on SHOULD), never")
      ->type_name("must|should|never");
  app.add_option("--baseline", o.baseline,
                 "an earlier --json report: fail only on cases that got worse")
      ->type_name("FILE");
  app.add_flag("--list", o.list, "list the selected cases and exit");
  app.add_option("--junit", o.junit, "write a JUnit XML report")->type_name("FILE");
  app.add_option("--json", o.json, "write a JSON report with the raw bytes")->type_name("FILE");
  app.add_option("--html", o.html, "write a self-contained HTML report")->type_name("FILE");
  app.add_option("--markdown", o.markdown, "write a Markdown summary table")->type_name("FILE");
  app.add_option("--timeout", o.timeout_ms, "per-read timeout in ms (default 1500)")
      ->type_name("MS");
  app.add_flag("--no-split", o.no_split, "replay raw cases whole only");
  app.add_flag("-v,--verbose", o.verbose, "print every replay");
  app.add_option("--cases", o.cases_dir, "case files directory")->type_name("DIR");
  app.add_option("--docroot", o.docroot, "copy of the served html/ to compare bodies with")
      ->type_name("DIR");
  app.add_option("--waivers", o.waivers_dir, "waiver files, one per target name")->type_name("DIR");
  app.add_option("--jobs", o.jobs, "cases run in parallel (default 8)")->type_name("N");
  app.add_option("--seed", o.seed, "seed of the random split points (default 1)")->type_name("N");
  app.add_option("--today", o.today, "the date waivers expire against")->type_name("YYYY-MM-DD");
  app.footer("Data: " + (o.cases_dir.empty() ? std::string("(none found)") : o.cases_dir) +
             "\nExit status: 0 every MUST case passed; 1 a MUST case failed; 2 only SHOULD cases "
             "failed\n(with --strict or --fail-on should); 3 harness error, bad arguments, an "
             "unreachable or\nrefused target.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? h1spec::kExitOk : h1spec::kExitHarness;
  }
  return h1spec::run_suite(o);
}

}  // namespace

// An exception that escapes (a file system error, memory) ends the run as a harness error with
// one line, never as an abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "h1spec: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "h1spec: internal error\n";
  }
  return h1spec::kExitHarness;
}
