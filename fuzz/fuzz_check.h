// Shared by the fuzz targets: an always-on check macro and exactly sized scratch buffers.
//
// The fuzz preset builds RelWithDebInfo, which defines NDEBUG and silences assert(); FUZZ_CHECK
// never compiles out, in any build type or compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

#if defined(__has_include)
#if __has_include(<sanitizer/asan_interface.h>)
#include <sanitizer/asan_interface.h>
#endif
#endif
#ifndef ASAN_POISON_MEMORY_REGION
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

namespace h1::fuzz {

// Reports a broken invariant and stops at once, so that libFuzzer saves the input.
[[noreturn]] inline void check_failed(const char* file, int line, const char* condition) noexcept {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", file, line, condition);
  std::fflush(stderr);
  __builtin_trap();
}

// True if view lies within [base, base + size); an empty view may sit anywhere in or at the
// end of the range, or be null.
inline bool inside(std::string_view view, const char* base, std::size_t size) noexcept {
  const auto p = reinterpret_cast<std::uintptr_t>(view.data());
  const auto b = reinterpret_cast<std::uintptr_t>(base);
  if (view.empty() && view.data() == nullptr) return true;
  return p >= b && p <= b + size && view.size() <= b + size - p;
}

// Offset of view within base; only meaningful when inside().
inline std::size_t offset_of(std::string_view view, const char* base) noexcept {
  return static_cast<std::size_t>(view.data() - base);
}

// A reusable buffer whose requested span always ends where the allocation ends, so that
// AddressSanitizer reports any read or write past it without a fresh allocation per input.
class TailBuffer {
 public:
  // A span of exactly n bytes at the end of the allocation; contents are unspecified.
  std::span<char> get(std::size_t n) {
    if (n > cap_) {
      cap_ = n < 4096 ? 4096 : n;
      buf_ = std::make_unique<char[]>(cap_);
    }
    return {buf_.get() + (cap_ - n), n};
  }
  // A span holding a copy of bytes followed by suffix.
  std::span<char> copy(std::string_view bytes, std::string_view suffix = {}) {
    const std::span<char> s = get(bytes.size() + suffix.size());
    if (!bytes.empty()) std::memcpy(s.data(), bytes.data(), bytes.size());
    if (!suffix.empty()) std::memcpy(s.data() + bytes.size(), suffix.data(), suffix.size());
    return s;
  }

 private:
  std::unique_ptr<char[]> buf_;
  std::size_t cap_ = 0;
};

}  // namespace h1::fuzz

// Checks an invariant in every build; on failure prints file:line and the condition, then traps.
#define FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::h1::fuzz::check_failed(__FILE__, __LINE__, #cond))
