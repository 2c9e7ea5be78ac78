#include "http/scan.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>

using namespace h1::http;

namespace {

using Scan = std::size_t (*)(const char*, std::size_t, std::size_t) noexcept;

// One byte class: its two scans and the predicate of chars.h they must agree with.
struct Class {
  const char* name;
  Scan scalar;
  Scan simd;
  bool (*member)(char);
};

bool plain_target_char(char c) { return target_class(c) == TargetClass::plain; }
bool token_char(char c) { return is_tchar(c); }
bool reg_name_char(char c) { return is_unreserved_or_sub_delim(c); }

const Class kClasses[] = {
    {"token", scan::token_scalar, scan::token_simd, token_char},
    {"target", scan::target_scalar, scan::target_simd, plain_target_char},
    {"reg_name", scan::reg_name_scalar, scan::reg_name_simd, reg_name_char},
};

// The definition: the first byte at or after `from`, below `end`, outside the class.
std::size_t reference_scan(const Class& k, const char* d, std::size_t end, std::size_t from) {
  while (from < end && k.member(d[from])) ++from;
  return from;
}

std::uint64_t reference_stops(const char* d, std::size_t end, std::size_t base) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 64 && base + i < end; ++i) {
    if (!is_field_value_char(d[base + i])) bits |= std::uint64_t{1} << i;
  }
  return bits;
}

// Tallies checks without a Catch2 assertion each (there are millions), and describes the
// first disagreement.
struct Tally {
  std::size_t checks = 0;
  std::string first_failure;

  void expect(bool ok, const std::string& bytes, const char* what, std::size_t end,
              std::size_t from, std::uint64_t scalar, std::uint64_t simd, std::uint64_t want) {
    ++checks;
    if (ok || !first_failure.empty()) return;
    std::ostringstream out;
    out << what << ": end " << end << ", from " << from << ": scalar " << scalar << ", simd "
        << simd << ", expected " << want << "; bytes (" << bytes.size() << "):";
    for (unsigned char c : bytes) out << ' ' << static_cast<unsigned>(c);
    first_failure = out.str();
  }
};

// An exactly sized heap copy of bytes, so that AddressSanitizer reports a read past the end.
std::unique_ptr<char[]> exact_copy(const std::string& bytes) {
  std::unique_ptr<char[]> block(new char[bytes.empty() ? 1 : bytes.size()]);
  bytes.copy(block.get(), bytes.size());
  return block;
}

// Runs every scan over d[0, end) from `from`.
void check_range(const std::string& bytes, const char* d, std::size_t end, std::size_t from,
                 Tally& tally) {
  for (const Class& k : kClasses) {
    const std::size_t want = reference_scan(k, d, end, from);
    const std::size_t scalar = k.scalar(d, end, from);
    const std::size_t simd = k.simd(d, end, from);
    tally.expect(scalar == want && simd == want, bytes, k.name, end, from, scalar, simd, want);
  }
  const std::uint64_t want = reference_stops(d, end, from);
  const std::uint64_t scalar = scan::field_value_stops_scalar(d, end, from);
  const std::uint64_t simd = scan::field_value_stops_simd(d, end, from);
  tally.expect(scalar == want && simd == want, bytes, "field_value_stops", end, from, scalar, simd,
               want);
}

// Runs every scan over `bytes` from every start, with the end of the buffer and the two before.
void check_buffer(const std::string& bytes, Tally& tally) {
  const std::unique_ptr<char[]> block = exact_copy(bytes);
  const std::size_t n = bytes.size();
  for (std::size_t cut = 0; cut < 3 && cut <= n; ++cut) {
    for (std::size_t from = 0; from <= n - cut; ++from) {
      check_range(bytes, block.get(), n - cut, from, tally);
    }
  }
}

}  // namespace

TEST_CASE("the SIMD scans are vectorised on x86-64", "[scan]") {
#if defined(__x86_64__)
  CHECK(scan::kSimd);
#else
  SUCCEED("no SIMD path on this target: both scans are the scalar ones");
#endif
}

TEST_CASE("scans agree on every byte value at every position", "[scan]") {
  // Buffers of a byte every class holds, with one byte planted: each scan must stop exactly
  // there (or run on, for a member), wherever the start, the end and the 16-byte blocks fall.
  Tally tally;
  for (std::size_t len = 0; len <= 80; ++len) {
    for (std::size_t pos = 0; pos <= 40 && pos < len; ++pos) {
      for (unsigned b = 0; b < 256; ++b) {
        std::string bytes(len, 'a');
        bytes[pos] = static_cast<char>(b);
        const std::unique_ptr<char[]> block = exact_copy(bytes);
        for (const std::size_t from :
             {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{17}, pos, pos + 1}) {
          if (from > len) continue;
          check_range(bytes, block.get(), len, from, tally);
          // Ending just before the planted byte: it must not count.
          if (from <= pos) check_range(bytes, block.get(), pos, from, tally);
        }
      }
    }
  }
  INFO(tally.first_failure);
  CHECK(tally.first_failure.empty());
  CHECK(tally.checks > 1000000);
}

TEST_CASE("scans agree on random buffers", "[scan]") {
  // Mostly class members and field-value bytes, so that scans run long, with any byte mixed in.
  std::mt19937 rng(20240611);
  const std::string common = "abcXYZ019-._~!$&'()*+,;=:@/?%[]#\"<>\\^`{|} \t\r\n\x7f\x80\xff\x01";
  Tally tally;
  check_buffer("", tally);
  for (int round = 0; round < 400; ++round) {
    const std::size_t len = rng() % 200;
    std::string bytes(len, '\0');
    const unsigned rate = rng() % 64;  // per 1024: how often a byte is drawn from all 256
    for (char& c : bytes) {
      c = rng() % 1024 < rate ? static_cast<char>(rng() % 256)
                              : (rng() % 4 == 0 ? common[rng() % common.size()] : 'a');
    }
    check_buffer(bytes, tally);
  }
  INFO(tally.first_failure);
  CHECK(tally.first_failure.empty());
  CHECK(tally.checks > 100000);
}
