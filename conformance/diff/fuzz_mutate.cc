#include "diff/fuzz_mutate.h"

#include <algorithm>
#include <array>

namespace h1spec::fuzz {

namespace {

// The bytes HTTP/1.1's grammar turns on; mutations favour them (as HTTP Garden's did).
constexpr std::string_view kMeaningful{"\r\n\0:\t ", 6};
// Other bytes worth trying: list and parameter separators, quotes, DEL, high bytes, digits.
constexpr std::string_view kOther{
    ",;\"=\x7f\x80\xff"
    "0aZ-/.\x0b\x0c",
    15};

constexpr std::array<std::string_view, 22> kHeaders = {
    "Content-Length: 0\r\n",
    "Content-Length: 5\r\n",
    "Content-Length: 1\r\n",
    "Content-Length: -1\r\n",
    "Content-Length: 5, 5\r\n",
    "Content-Length: +5\r\n",
    "Content-Length: 0x5\r\n",
    "Content-Length: 99999999999999999999\r\n",
    "Transfer-Encoding: chunked\r\n",
    "Transfer-Encoding: chunked, identity\r\n",
    "Transfer-Encoding: identity\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
    "Transfer-Encoding: \"chunked\"\r\n",
    "Transfer-Encoding:\tchunked\r\n",
    "Transfer-Encoding : chunked\r\n",
    " Transfer-Encoding: chunked\r\n",
    "Connection: close\r\n",
    "Connection: keep-alive\r\n",
    "Expect: 100-continue\r\n",
    "Host: other\r\n",
    "Range: bytes=0-1\r\n",
    "X: \x00\r\n",
};

constexpr std::array<std::string_view, 16> kMethods = {
    "GET",   "HEAD", "POST", "PUT",     "OPTIONS", "DELETE", "TRACE", "CONNECT",
    "PATCH", "get",  "G ET", "GET\x01", "X",       "",       "GET\t", "PRI",
};

// Fragments inserted at a message boundary: the end of a chunked body, stray line ends, junk.
constexpr std::array<std::string_view, 6> kBoundaryBits = {
    "0\r\n\r\n", "\r\n", "\n", "x", "5\r\nhello\r\n", "GET / HTTP/1.1\r\n",
};

char pick_byte(Rng& rng) {
  if (rng.chance(60)) return kMeaningful[rng.below(kMeaningful.size())];
  if (rng.chance(50)) return kOther[rng.below(kOther.size())];
  return static_cast<char>(rng.below(256));
}

// The header lines of the first message: head_lines without the request line and the empty line.
std::vector<LineSpan> field_lines(std::string_view bytes) {
  std::vector<LineSpan> lines = head_lines(bytes);
  if (lines.empty()) return lines;
  lines.erase(lines.begin());
  if (!lines.empty()) {
    const LineSpan last = lines.back();
    const std::string_view text = bytes.substr(last.begin, last.end - last.begin);
    if (text == "\r\n" || text == "\n") lines.pop_back();
  }
  return lines;
}

void insert_byte(Mutant& m, Rng& rng) {
  m.bytes.insert(m.bytes.begin() + static_cast<std::ptrdiff_t>(rng.below(m.bytes.size() + 1)),
                 pick_byte(rng));
  m.ops += "insert-byte,";
}

void delete_byte(Mutant& m, Rng& rng) {
  if (m.bytes.empty()) return;
  m.bytes.erase(rng.below(m.bytes.size()), 1);
  m.ops += "delete-byte,";
}

void replace_byte(Mutant& m, Rng& rng) {
  if (m.bytes.empty()) return;
  m.bytes[rng.below(m.bytes.size())] = pick_byte(rng);
  m.ops += "replace-byte,";
}

void duplicate_header(Mutant& m, Rng& rng) {
  const std::vector<LineSpan> lines = field_lines(m.bytes);
  if (lines.empty()) return;
  const LineSpan l = lines[rng.below(lines.size())];
  m.bytes.insert(l.end, m.bytes.substr(l.begin, l.end - l.begin));
  m.ops += "dup-header,";
}

void delete_header(Mutant& m, Rng& rng) {
  const std::vector<LineSpan> lines = field_lines(m.bytes);
  if (lines.empty()) return;
  const LineSpan l = lines[rng.below(lines.size())];
  m.bytes.erase(l.begin, l.end - l.begin);
  m.ops += "delete-header,";
}

void insert_header(Mutant& m, Rng& rng) {
  const std::vector<LineSpan> lines = head_lines(m.bytes);
  if (lines.empty()) return;
  // After the request line, before the empty line: any line start but the first.
  const std::size_t slot = 1 + rng.below(std::max<std::size_t>(lines.size() - 1, 1));
  const std::size_t at = slot < lines.size() ? lines[slot].begin : lines.back().end;
  m.bytes.insert(at, kHeaders[rng.below(kHeaders.size())]);
  m.ops += "insert-header,";
}

void replace_method(Mutant& m, Rng& rng) {
  const std::size_t sp = m.bytes.find(' ');
  if (sp == std::string::npos) return;
  m.bytes.replace(0, sp, kMethods[rng.below(kMethods.size())]);
  m.ops += "method,";
}

void concatenate(Mutant& m, Rng& rng, const std::vector<Seed>& seeds) {
  const Seed& other = seeds[rng.below(seeds.size())];
  if (m.bytes.size() + other.bytes.size() > 2 * kMaxSeedBytes) return;
  m.bytes += other.bytes;
  m.ops += "concat,";
}

// Moves where one message ends: bytes removed just before a boundary, or inserted at it.
void shift_boundary(Mutant& m, Rng& rng) {
  const std::vector<std::size_t> ends = boundaries(m.bytes);
  if (ends.empty()) return;
  const std::size_t at = ends[rng.below(ends.size())];
  if (rng.chance(50)) {
    const std::size_t n = std::min<std::size_t>(1 + rng.below(8), at);
    m.bytes.erase(at - n, n);
  } else {
    m.bytes.insert(at, kBoundaryBits[rng.below(kBoundaryBits.size())]);
  }
  m.ops += "shift-boundary,";
}

void cut(Mutant& m, Rng& rng) {
  if (m.bytes.size() < 2) return;
  const std::size_t n = 1 + rng.below(3);
  for (std::size_t i = 0; i < n; ++i) m.cuts.push_back(1 + rng.below(m.bytes.size() - 1));
  std::sort(m.cuts.begin(), m.cuts.end());
  m.cuts.erase(std::unique(m.cuts.begin(), m.cuts.end()), m.cuts.end());
  m.ops += "cut,";
}

}  // namespace

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::size_t Rng::below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

std::vector<Seed> seeds_from_cases(const std::vector<Case>& cases) {
  std::vector<Seed> seeds;
  for (const Case& c : cases) {
    if (c.transport != Transport::raw || c.sends.empty()) continue;
    std::string bytes;
    for (const std::string& part : c.sends) bytes += expand_host(part, kFuzzHost);
    if (bytes.empty() || bytes.size() > kMaxSeedBytes) continue;
    seeds.push_back(Seed{c.id, std::move(bytes), c.rfc, c.quote});
  }
  return seeds;
}

Mutant make_mutant(const std::vector<Seed>& seeds, std::uint64_t run_seed, std::uint64_t index) {
  Mutant m;
  if (seeds.empty()) return m;
  if (index < seeds.size()) {
    m.seed = static_cast<std::size_t>(index);
    m.bytes = seeds[m.seed].bytes;
    m.ops = "seed";
    return m;
  }
  Rng rng(run_seed * 0x9e3779b97f4a7c15ULL ^ (index + 1) * 0xd1b54a32d192ed03ULL);
  rng.next();
  m.seed = rng.below(seeds.size());
  m.bytes = seeds[m.seed].bytes;
  const std::size_t rounds = 1 + rng.below(4);
  for (std::size_t r = 0; r < rounds; ++r) {
    switch (rng.below(10)) {
      case 0:
        insert_byte(m, rng);
        break;
      case 1:
        delete_byte(m, rng);
        break;
      case 2:
        replace_byte(m, rng);
        break;
      case 3:
        duplicate_header(m, rng);
        break;
      case 4:
        delete_header(m, rng);
        break;
      case 5:
        insert_header(m, rng);
        break;
      case 6:
        replace_method(m, rng);
        break;
      case 7:
        concatenate(m, rng, seeds);
        break;
      case 8:
        shift_boundary(m, rng);
        break;
      default:
        replace_byte(m, rng);
        break;
    }
  }
  if (rng.chance(25)) cut(m, rng);
  if (!m.ops.empty() && m.ops.back() == ',') m.ops.pop_back();
  return m;
}

std::vector<LineSpan> head_lines(std::string_view bytes, std::size_t from) {
  std::vector<LineSpan> lines;
  std::size_t at = from;
  while (at < bytes.size()) {
    const std::size_t lf = bytes.find('\n', at);
    const std::size_t end = lf == std::string_view::npos ? bytes.size() : lf + 1;
    lines.push_back({at, end});
    const std::string_view text = bytes.substr(at, end - at);
    if (lines.size() > 1 && (text == "\r\n" || text == "\n")) break;
    at = end;
  }
  return lines;
}

std::vector<std::size_t> boundaries(std::string_view bytes) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    if (bytes[i] != '\n') continue;
    if (bytes[i + 1] == '\n') {
      out.push_back(i + 2);
    } else if (bytes[i + 1] == '\r' && i + 2 < bytes.size() && bytes[i + 2] == '\n') {
      out.push_back(i + 3);
    }
  }
  return out;
}

}  // namespace h1spec::fuzz
