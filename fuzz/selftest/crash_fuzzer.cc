// Test-only fuzz target that proves the crash path of ci/fuzz.sh: it traps on any input
// that starts with "CRASH". It lives outside fuzz/*_fuzzer.cc so that the normal loops
// never pick it up; fuzz/selftest/crash_test.sh builds and runs it.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One comparison per byte, so that coverage leads the fuzzer from "C" to "CRASH".
  if (size < 5 || data[0] != 'C') return 0;
  if (data[1] != 'R') return 0;
  if (data[2] != 'A') return 0;
  if (data[3] != 'S') return 0;
  if (data[4] != 'H') return 0;
  __builtin_trap();
}
