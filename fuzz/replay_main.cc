// Replays fuzz inputs through a target without libFuzzer, so that gcc builds and every ctest run
// the corpora and the crash regressions.
//
// Usage: <name>_replay PATH...   (files, or directories searched recursively; names starting
// with '.' are skipped, so a .keep file holds an empty directory in git)
#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define H1_REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define H1_REPLAY_ASAN 1
#endif
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Present when a sanitizer runtime is linked: it then reports through this, not a signal.
// NOLINTNEXTLINE(bugprone-reserved-identifier): the sanitizers' own name for it
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

// The input being replayed, named when a check traps or a sanitizer reports.
std::string g_current;

void name_current_input() {
  if (g_current.empty()) return;
  // Plain write(2) calls: this may run inside a signal handler.
  constexpr char kPrefix[] = "replay: failing input: ";
  (void)!write(STDERR_FILENO, kPrefix, sizeof kPrefix - 1);
  (void)!write(STDERR_FILENO, g_current.data(), g_current.size());
  (void)!write(STDERR_FILENO, "\n", 1);
}

extern "C" void on_fatal_signal(int sig) {
  name_current_input();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_reporters() {
  for (int sig : {SIGILL, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP}) {
    std::signal(sig, on_fatal_signal);
  }
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(name_current_input);
}

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

// Runs one file from an exactly sized heap buffer, as libFuzzer does, so that AddressSanitizer
// sees any read past the end.
bool run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  auto buf = std::make_unique<std::uint8_t[]>(bytes.size());
  std::copy(bytes.begin(), bytes.end(), buf.get());
  g_current = path.string();
  (void)LLVMFuzzerTestOneInput(buf.get(), bytes.size());
  g_current.clear();
  return true;
}

// Collects the files under path in a stable order; false if path does not exist.
bool collect(const fs::path& path, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
    return true;
  }
  if (!fs::is_directory(path, ec)) return false;
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (hidden(it->path())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) found.push_back(it->path());
  }
  if (ec) return false;
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

// A runaway input must fail fast instead of swapping the machine.
void limit_memory() {
#ifndef H1_REPLAY_ASAN
  constexpr rlim_t kLimit = rlim_t{1} << 30;  // AddressSanitizer needs far more address space
  rlimit rl{};
  if (getrlimit(RLIMIT_AS, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > kLimit)) {
    rl.rlim_cur = kLimit;
    (void)setrlimit(RLIMIT_AS, &rl);
  }
#endif
}

}  // namespace

#ifdef H1_REPLAY_ASAN
// Under AddressSanitizer the address space cannot be capped; one allocation can. ASAN_OPTIONS
// from the environment still take precedence.
extern "C" const char* __asan_default_options() { return "max_allocation_size_mb=1024"; }
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH...  (input files or directories)\n", argv[0]);
    return 2;
  }
  install_reporters();
  limit_memory();
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> files;
    if (!collect(argv[i], files)) {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
      return 1;
    }
    for (const fs::path& f : files) {
      if (!run_file(f)) return 1;
      ++ran;
    }
    std::printf("replay: %s: %zu inputs\n", argv[i], files.size());
  }
  std::printf("replay: %zu inputs ran, no invariant broken\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  return 0;
}
