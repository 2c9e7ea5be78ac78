// h1ref: the reference server's executable. It turns the command line into a DocRoot,
// an optional access log and a model run; everything else lives in the libraries.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/docroot.h"
#include "io/file_log.h"
#include "models/model.h"
#include "options.h"

namespace {

constexpr int kExitUsage = 2;

// One diagnostic line on stderr. A single fprintf keeps lines from several worker
// threads whole (stdio locks the stream per call).
void log_line(std::string_view line) {
  std::fprintf(stderr, "h1ref: %.*s\n", static_cast<int>(line.size()), line.data());
}

int fail_usage(std::string_view message) {
  log_line(message);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const h1::cli::ParsedOptions parsed = h1::cli::parse_options(args);
  if (!parsed.ok()) return fail_usage(parsed.error);
  const h1::models::ServeOptions& options = parsed.options;
  if (options.help || options.version) {
    const std::string text = options.help ? h1::cli::usage() : h1::cli::version_text();
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }

  auto root = h1::io::DocRoot::create(options.root);
  if (!root) return fail_usage(root.error);
  std::unique_ptr<h1::io::FileAccessLog> access_log;
  if (!options.access_log.empty()) {
    auto opened = h1::io::FileAccessLog::open(options.access_log);
    if (!opened) return fail_usage(opened.error);
    access_log = std::move(*opened.value);
  }

  h1::models::ServeEnv env;
  env.root = root.value->get();
  env.access_log = access_log.get();
  env.log = log_line;
  const bool openat2 = env.root->uses_openat2();
  env.on_listening = [&options, openat2](std::uint16_t port) {
    // Tests and scripts read this exact line to learn the port: keep its shape.
    std::printf("listening on http://%s:%u\n", options.host.c_str(), static_cast<unsigned>(port));
    std::fflush(stdout);
    if (!options.quiet) {
      const std::string how = options.model == "epoll"
                                  ? std::to_string(options.workers) + " epoll worker(s)"
                                  : "the " + options.model + " model";
      log_line("serving '" + options.root + "' with " + how + ", lookups by " +
               (openat2 ? "openat2(RESOLVE_BENEATH)" : "checked walk (no openat2)"));
    }
  };
  return h1::models::find_model(options.model)->run(options, env);
}
