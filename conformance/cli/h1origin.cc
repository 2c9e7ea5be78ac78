// h1origin: the recording origin (origin/recording_origin.h) as a process. It listens on
// 127.0.0.1, answers requests from --reply files in order (then with the default reply), and
// logs every request it reads as one JSON line (origin/origin_json.h). SIGTERM or SIGINT
// stops it with exit 0. It lives in cli/ because cli/ holds the command lines: flags, exit
// codes and signals stay out of the origin/ library that the grader links.
#include <CLI/CLI.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "cli/suite_command.h"
#include "h1_version.h"
#include "origin/origin_json.h"
#include "origin/recording_origin.h"

namespace {

constexpr const char* kVersion = "h1origin " H1_VERSION " (git " H1_GIT_REVISION ")";

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// Prints what is new in s since the last call: requests in global order, then read errors.
class Follower {
 public:
  explicit Follower(std::ostream& out) : out_(out) {}
  void print_new(const h1spec::origin::Snapshot& s) {
    for (const auto* r : s.in_order()) {
      if (r->index < printed_requests_) continue;
      out_ << h1spec::origin::request_json(*r).dump(-1) << "\n";
      printed_requests_ = r->index + 1;
    }
    for (const auto& c : s.connections) {
      if (c.malformed() && printed_errors_.insert(c.id).second) {
        out_ << h1spec::origin::malformed_json(c).dump(-1) << "\n";
      }
    }
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::size_t printed_requests_ = 0;
  std::set<std::size_t> printed_errors_;
};

int run(int argc, char** argv) {
  int port = 0;
  std::vector<std::string> reply_files;
  std::vector<std::string> after;
  std::string log_path;
  CLI::App app{
      "h1origin: a recording HTTP/1.1 origin on 127.0.0.1 for grading reverse proxies. Reply i "
      "(from --reply files, raw bytes) answers the i-th request read on any connection, in "
      "arrival order; after the last, a 200 naming the request number. Every request read is "
      "logged as one JSON line.",
      "h1origin"};
  app.set_version_flag("--version", kVersion);
  app.add_option("--port", port, "port on 127.0.0.1 (default 0: any free port)")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--reply", reply_files, "raw bytes of the next reply; repeatable, in order")
      ->type_name("FILE");
  app.add_option("--after", after,
                 "what follows reply I (from 0): keep (default), close (FIN after it), "
                 "drop (FIN without it); repeatable")
      ->type_name("I=keep|close|drop");
  app.add_option("--log", log_path, "write the JSON lines here instead of stdout")
      ->type_name("FILE");
  app.footer("Exit status: 0 stopped by SIGTERM or SIGINT; 3 bad arguments or cannot listen.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? h1spec::kExitOk : h1spec::kExitHarness;
  }

  h1spec::origin::Script script;
  for (const std::string& path : reply_files) {
    h1spec::origin::Reply reply;
    if (!read_file(path, reply.bytes)) {
      std::cerr << "h1origin: cannot read reply file " << path << "\n";
      return h1spec::kExitHarness;
    }
    script.replies.push_back(std::move(reply));
  }
  for (const std::string& spec : after) {
    std::size_t index = 0;
    const std::size_t eq = spec.find('=');
    const std::string action = eq == std::string::npos ? "" : spec.substr(eq + 1);
    const auto [end, ec] = std::from_chars(spec.data(), spec.data() + eq, index);
    if (eq == std::string::npos || eq == 0 || ec != std::errc{} || end != spec.data() + eq) {
      std::cerr << "h1origin: --after " << spec << ": expected I=keep|close|drop\n";
      return h1spec::kExitHarness;
    }
    if (index >= script.replies.size()) {
      std::cerr << "h1origin: --after " << spec << " names no --reply (there are "
                << script.replies.size() << ")\n";
      return h1spec::kExitHarness;
    }
    auto& a = script.replies[index].after;
    if (action == "keep") {
      a = h1spec::origin::AfterReply::keep_open;
    } else if (action == "close") {
      a = h1spec::origin::AfterReply::close;
    } else if (action == "drop") {
      a = h1spec::origin::AfterReply::close_without_reply;
    } else {
      std::cerr << "h1origin: --after " << spec << ": expected keep, close or drop\n";
      return h1spec::kExitHarness;
    }
  }
  std::ofstream log_file;
  if (!log_path.empty()) {
    log_file.open(log_path, std::ios::binary | std::ios::trunc);
    if (!log_file) {
      std::cerr << "h1origin: cannot write the log " << log_path << "\n";
      return h1spec::kExitHarness;
    }
  }

  // Blocked here, before the origin's thread exists, so that only sigtimedwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  h1spec::origin::Options options;
  options.port = port;
  h1spec::origin::RecordingOrigin origin(options);
  origin.set_script(std::move(script));
  std::string error;
  if (!origin.start(error)) {
    std::cerr << "h1origin: " << error << "\n";
    return h1spec::kExitHarness;
  }
  std::cout << "listening on http://127.0.0.1:" << origin.port() << std::endl;

  Follower follow(log_path.empty() ? std::cout : log_file);
  std::uint64_t seen = 0;
  for (;;) {
    seen = origin.wait_for_change(seen, std::chrono::milliseconds(100));
    follow.print_new(origin.snapshot());
    const timespec now{0, 0};
    if (sigtimedwait(&stop_signals, nullptr, &now) > 0) break;
  }
  origin.stop();
  follow.print_new(origin.snapshot());
  return h1spec::kExitOk;
}

}  // namespace

// An exception that escapes ends the origin with one line and the harness status, never an abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "h1origin: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "h1origin: internal error\n";
  }
  return h1spec::kExitHarness;
}
