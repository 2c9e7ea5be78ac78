#include "cli/fuzz_command.h"

#include <charconv>
#include <chrono>
#include <iostream>
#include <optional>
#include <string_view>
#include <vector>

#include "diff/fuzz_run.h"
#include "diff/fuzz_via_run.h"
#include "wire/endpoint.h"

namespace h1spec::fuzz {

namespace {

void usage(std::ostream& os) {
  os << "usage: h1spec fuzz --target HOST:PORT[=NAME] [options]\n"
        "\n"
        "Sends mutants of the conformance cases to the target and to an oracle (h1ref) over\n"
        "loopback (other addresses are refused unless --allow-remote), reports where they "
        "disagree, and minimises\n"
        "each new disagreement.\n"
        "\n"
        "  --target HOST:PORT[=NAME]  the server under test (it must serve a copy of html/)\n"
        "  --oracle HOST:PORT         the reference; default: an h1ref started here\n"
        "  --allow-remote             also send to a non-loopback target (your own hosts only)\n"
        "  --seconds N                run time (default 60)\n"
        "  --count N                  at most N mutants (default 1000000)\n"
        "  --seed S                   the same seed gives the same mutants (default 1)\n"
        "  --jobs N                   mutants in flight (default 4)\n"
        "  --out DIR                  findings: <ID>.md, <ID>.json, summary.json (default "
        "build/h1spec-fuzz)\n"
        "  --timeout MS               per exchange (default 1000)\n"
        "  --budget N                 exchanges per minimisation (default 400)\n"
        "  --recover N                seconds to wait for a target that stopped answering "
        "(default 10)\n"
        "  --cases DIR, --docroot DIR, --h1ref PATH   where the seeds, html/ and h1ref are\n"
        "\n"
        "\n"
        "usage: h1spec fuzz --via HOST:PORT[=NAME] --origin-port N [options]\n"
        "\n"
        "Fuzzes through a reverse proxy: starts a recording origin on 127.0.0.1:N (the proxy\n"
        "must forward there), sends each input through the proxy and flags every input whose\n"
        "requests at the origin differ from what h1spec's strict reader sees in the client's\n"
        "bytes (smuggled, ambiguous, body, desync). Loopback only.\n"
        "\n"
        "  --via HOST:PORT[=NAME]     the proxy under test\n"
        "  --origin-port N            where the proxy forwards (taken: exit 3)\n"
        "  --seconds, --count, --seed, --timeout, --recover, --cases   as above\n"
        "  --budget N                 exchanges per minimisation (default 200)\n"
        "  --out DIR                  findings/<ID>.md (proxy cases), findings/<ID>.json,\n"
        "                             summary.json (default build/fuzz-via)\n"
        "\n"
        "exit status: 0 no findings, 1 findings or a crash, 3 harness error\n";
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc{} && r.ptr == end;
}

// Both command lines: --via picks the proxy fuzzer, and `via` holds its own options.
struct Parsed {
  FuzzOptions fuzz;
  std::optional<ViaOptions> via;
};

// The --via options from the common ones; nullopt (after a message) when some do not apply.
std::optional<ViaOptions> via_options(const FuzzOptions& o, const Endpoint& via, int origin_port,
                                      bool out_given, bool budget_given,
                                      const std::vector<std::string_view>& oracle_only) {
  if (!oracle_only.empty()) {
    std::cerr << "h1spec fuzz: " << oracle_only.front()
              << " does not go with --via (inputs run one at a time through the proxy, and "
                 "the origin behind it is the only other party)\n";
    return std::nullopt;
  }
  if (origin_port <= 0) {
    std::cerr << "h1spec fuzz: --via needs --origin-port N, the port the proxy forwards to on "
                 "127.0.0.1\n";
    return std::nullopt;
  }
  ViaOptions v;
  v.via = via;
  v.origin_port = origin_port;
  v.seconds = o.seconds;
  v.seed = o.seed;
  v.count = o.count;
  if (out_given) v.out = o.out;
  v.timeout = o.timeout;
  if (budget_given) v.budget = o.budget;
  v.recover_seconds = o.recover_seconds;
  v.cases_dir = o.cases_dir;
  return v;
}

// Parses the command line; nullopt (after a message) when it is wrong.
std::optional<Parsed> parse_options(int argc, char** argv, const Defaults& d, bool& help,
                                    bool& refused) {
  FuzzOptions o;
  Endpoint via;
  bool have_via = false, out_given = false, budget_given = false;
  int origin_port = 0;
  std::vector<std::string_view> oracle_only;  // flags that --via refuses
  o.cases_dir = d.cases_dir;
  o.docroot = d.docroot;
  o.h1ref = d.h1ref;
  bool have_target = false;
  bool allow_remote = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      help = true;
      return std::nullopt;
    }
    if (a == "--allow-remote") {
      allow_remote = true;
      oracle_only.push_back(a);
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "h1spec fuzz: " << a
                << (a.starts_with("--") ? " needs a value\n" : ": unknown\n");
      return std::nullopt;
    }
    const std::string_view v = argv[++i];
    bool ok = true;
    if (a == "--target") {
      ok = parse_endpoint(v, o.target);
      have_target = ok;
      oracle_only.push_back(a);
    } else if (a == "--via") {
      ok = parse_endpoint(v, via);
      have_via = ok;
    } else if (a == "--origin-port") {
      ok = parse_number(v, origin_port) && origin_port > 0 && origin_port <= 65535;
    } else if (a == "--oracle") {
      oracle_only.push_back(a);
      Endpoint e;
      ok = parse_endpoint(v, e);
      o.oracle = e;
    } else if (a == "--seconds") {
      ok = parse_number(v, o.seconds) && o.seconds > 0;
    } else if (a == "--count") {
      ok = parse_number(v, o.count) && o.count > 0;
    } else if (a == "--seed") {
      ok = parse_number(v, o.seed);
    } else if (a == "--jobs") {
      oracle_only.push_back(a);
      ok = parse_number(v, o.jobs) && o.jobs > 0 && o.jobs <= 64;
    } else if (a == "--out") {
      o.out = v;
      out_given = true;
    } else if (a == "--timeout") {
      long long ms = 0;
      ok = parse_number(v, ms) && ms > 0;
      o.timeout = std::chrono::milliseconds(ms);
    } else if (a == "--budget") {
      ok = parse_number(v, o.budget);
      budget_given = true;
    } else if (a == "--recover") {
      ok = parse_number(v, o.recover_seconds) && o.recover_seconds >= 0;
    } else if (a == "--cases") {
      o.cases_dir = v;
    } else if (a == "--docroot") {
      o.docroot = v;
    } else if (a == "--h1ref") {
      o.h1ref = v;
    } else {
      std::cerr << "h1spec fuzz: unknown option " << a << "\n";
      return std::nullopt;
    }
    if (!ok) {
      std::cerr << "h1spec fuzz: bad value for " << a << ": '" << v << "'\n";
      return std::nullopt;
    }
  }
  if (have_via) {
    if (via.name.empty()) via.name = via.authority();
    // The loopback guard, before any socket: the proxy here, the origin (always 127.0.0.1)
    // in RecordingOrigin::start.
    if (!is_loopback_host(via.host)) {
      std::cerr << "h1spec fuzz: --via " << via.host
                << " is not a loopback address (127.0.0.0/8, ::1, localhost); nothing was "
                   "sent (fuzzing through a proxy is loopback only)\n";
      refused = true;
      return std::nullopt;
    }
    std::optional<ViaOptions> v =
        via_options(o, via, origin_port, out_given, budget_given, oracle_only);
    if (!v) return std::nullopt;
    return Parsed{o, std::move(v)};
  }
  if (origin_port != 0) {
    std::cerr << "h1spec fuzz: --origin-port goes with --via\n";
    return std::nullopt;
  }
  if (!have_target) {
    std::cerr << "h1spec fuzz: --target HOST:PORT[=NAME] (or --via HOST:PORT) is required\n";
    return std::nullopt;
  }
  if (o.target.name.empty()) o.target.name = o.target.authority();
  o.target.allow_remote = allow_remote;
  if (o.oracle) o.oracle->allow_remote = allow_remote;
  for (const Endpoint* ep : {&o.target, o.oracle ? &*o.oracle : nullptr}) {
    if (ep == nullptr) continue;
    if (const std::string why = guard_message(*ep); !why.empty()) {
      std::cerr << "h1spec fuzz: " << why << "\n";
      refused = true;
      return std::nullopt;
    }
  }
  return Parsed{o, std::nullopt};
}

}  // namespace

int fuzz_main(int argc, char** argv, const Defaults& defaults) {
  bool help = false;
  bool refused = false;
  const std::optional<Parsed> parsed = parse_options(argc, argv, defaults, help, refused);
  if (help) {
    usage(std::cout);
    return kFuzzClean;
  }
  if (!parsed) {
    if (!refused) usage(std::cerr);
    return kFuzzHarnessError;
  }
  if (parsed->via) return run_fuzz_via(*parsed->via);
  return run_fuzz(parsed->fuzz);
}

}  // namespace h1spec::fuzz
