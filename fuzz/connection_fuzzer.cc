// Fuzz target: core::Connection, the sans-I/O HTTP/1.1 core, driven the way a socket driver
// drives it, against an in-memory document root.
//
// Input: byte 0 is the length C of a control program, the next C bytes are the program, and
// the rest is the byte stream the client sends. Each control op is one byte, kind = op & 7 and
// arg = op >> 3, some followed by one operand byte b:
//   0 read 1 + b + 256 * arg bytes      1 read as much as fits
//   2 write 1 + b + 256 * arg bytes     3 write everything pending
//   4 clock tick of (b + 1) * {1 ms, 100 ms, 1 s, 10 s}[arg & 3], then on_timer if due;
//     arg & 4 also calls on_timer early, which must change nothing
//   5 end of stream from the peer       6 graceful shutdown (begin_shutdown)
//   7 arg 0: write error; else shrink document (arg >> 1) to b/256 of its size, at once
//     (arg odd) or right after its next open (arg even), as if it changed on disk
// When the program ends, the driver sends the rest of the stream, writes everything, sends
// end of stream and advances the clock until the connection closes.
//
// Invariants:
//   - the output is a sequence of valid HTTP/1.1 responses: a strict status line, field lines
//     of tchar names and clean values, one Date, one Server, no Transfer-Encoding, exactly one
//     Content-Length wherever a body may follow and a body of exactly that length (none for
//     HEAD, 1xx, 204, 304), a well-formed Content-Range on 206 and 416, Location on 301, Allow
//     on 405;
//   - each response matches the access-log record queued for it (same status, same order);
//     unless the connection was cut (write error, file short, timeout with output pending),
//     every recorded response is delivered whole;
//   - file bodies are the document's bytes at the announced offsets, never past the size the
//     document had when opened; generated bodies are "<status> <reason>\n";
//   - nothing follows a response that says "Connection: close", and nothing more is written
//     once the connection asked for shutdown;
//   - pending() never holds an empty segment or a file segment past its document's size; file
//     handles are closed exactly once; a document reads short only after it shrank;
//   - on_timer before the deadline changes nothing; once closed, the connection wants nothing
//     and holds no file; an idle connection holds no file;
//   - after end of stream the connection always reaches closed(), and open_count() is 0
//     after it is destroyed.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.h"
#include "core/memory_files.h"
#include "fuzz_check.h"
#include "http/chars.h"

namespace {

using namespace h1::core;
using namespace std::chrono_literals;

// ---- The document root -------------------------------------------------------------------

struct DocSpec {
  std::string_view path;
  std::size_t size;
  std::string_view last_modified;  // IMF-fixdate of the mtime, which is distinct per document
};

// mtime of document k: 1600000000 + 86401 * k seconds.
constexpr std::array<DocSpec, 9> kDocs = {{
    {"index.html", 200, "Sun, 13 Sep 2020 12:26:40 GMT"},
    {"a.txt", 37, "Mon, 14 Sep 2020 12:26:41 GMT"},
    {"big.bin", 40'000, "Tue, 15 Sep 2020 12:26:42 GMT"},   // > inline_body_max: a file segment
    {"edge.bin", 16'384, "Wed, 16 Sep 2020 12:26:43 GMT"},  // == inline_body_max
    {"edge1.bin", 16'385, "Thu, 17 Sep 2020 12:26:44 GMT"},
    {"dir/index.html", 100, "Fri, 18 Sep 2020 12:26:45 GMT"},
    {"dir/b.css", 5'000, "Sat, 19 Sep 2020 12:26:46 GMT"},
    {"empty.txt", 0, "Sun, 20 Sep 2020 12:26:47 GMT"},
    {".hidden", 10, "Mon, 21 Sep 2020 12:26:48 GMT"},
}};
constexpr std::string_view kForbidden = "secret.txt";

// Lower-case letters only, so no body can be mistaken for a status line.
char doc_byte(std::size_t doc, std::size_t offset) {
  return static_cast<char>('a' + (offset * 7 + doc * 13 + offset / 26) % 26);
}

const std::string& doc_content(std::size_t doc) {
  static const std::array<std::string, kDocs.size()> contents = [] {
    std::array<std::string, kDocs.size()> c;
    for (std::size_t d = 0; d < kDocs.size(); ++d) {
      for (std::size_t i = 0; i < kDocs[d].size; ++i) c[d] += doc_byte(d, i);
    }
    return c;
  }();
  return contents[doc];
}

std::int64_t doc_mtime_ns(std::size_t doc) {
  return (1'600'000'000 + 86'401 * static_cast<std::int64_t>(doc)) * 1'000'000'000;
}

// MemoryFiles that checks how the connection uses handles, and can shrink a document right
// after it is opened (sized, then changed on disk before it is read).
class FuzzFiles final : public MemoryFiles {
 public:
  FuzzFiles() {
    for (std::size_t d = 0; d < kDocs.size(); ++d) {
      add(std::string(kDocs[d].path), doc_content(d), doc_mtime_ns(d));
    }
    forbid(std::string(kForbidden));
  }

  OpenResult open(std::string_view relative_path) noexcept override {
    const OpenResult r = MemoryFiles::open(relative_path);
    if (r.status != OpenStatus::ok) return r;
    FUZZ_CHECK(r.handle >= 0);
    const auto h = static_cast<std::size_t>(r.handle);
    if (h >= handles_.size()) handles_.resize(h + 1);
    FUZZ_CHECK(!handles_[h].live);
    handles_[h] = {true, r.info.size};
    if (armed_ && !r.info.directory) {
      armed_ = false;
      shrink(std::string(relative_path), shrink_fraction_);
    }
    return r;
  }

  void close(FileHandle file) noexcept override {
    FUZZ_CHECK(live(file));  // closed exactly once
    handles_[static_cast<std::size_t>(file)].live = false;
    MemoryFiles::close(file);
  }

  [[nodiscard]] bool live(FileHandle file) const {
    return file >= 0 && static_cast<std::size_t>(file) < handles_.size() &&
           handles_[static_cast<std::size_t>(file)].live;
  }
  [[nodiscard]] std::uint64_t size_at_open(FileHandle file) const {
    return handles_[static_cast<std::size_t>(file)].size;
  }
  [[nodiscard]] bool shrank() const { return shrinks_ > 0; }

  void shrink(const std::string& path, unsigned fraction) {
    for (const DocSpec& d : kDocs) {
      if (d.path == path) {
        truncate(path, d.size * fraction / 256);
        ++shrinks_;
      }
    }
  }
  void shrink_after_next_open(unsigned fraction) {
    armed_ = true;
    shrink_fraction_ = fraction;
  }

 private:
  struct Handle {
    bool live = false;
    std::uint64_t size = 0;
  };
  std::vector<Handle> handles_;
  bool armed_ = false;
  unsigned shrink_fraction_ = 0;
  int shrinks_ = 0;
};

// ---- The access log: which request each response answers -----------------------------

struct Record {
  enum class Method : std::uint8_t { head, other, unknown } method;
  int status;
};

class Log final : public AccessLog {
 public:
  void record(const AccessRecord& r) noexcept override {
    const Record::Method m = r.method == "HEAD" ? Record::Method::head
                             : r.method == "-"  ? Record::Method::unknown
                                                : Record::Method::other;
    records.push_back({m, r.status});
  }
  std::vector<Record> records;
};

// ---- A strict reader of the output, independent of the server's own code -----------------

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1*DIGIT without a leading zero (unless "0"), within 64 bits.
bool parse_number(std::string_view s, std::uint64_t& v) {
  if (!is_digits(s) || (s.size() > 1 && s[0] == '0') || s.size() > 19) return false;
  v = 0;
  for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return true;
}

bool is_clean_value(std::string_view v) {
  if (!v.empty() && (v.front() == ' ' || v.front() == '\t')) return false;
  if (!v.empty() && (v.back() == ' ' || v.back() == '\t')) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return h1::http::is_field_value_char(c); });
}

bool is_imf_fixdate(std::string_view d) {
  return d.size() == 29 && d[3] == ',' && d[4] == ' ' && d[7] == ' ' && d[11] == ' ' &&
         d[16] == ' ' && d[19] == ':' && d[22] == ':' && d.substr(25) == " GMT";
}

struct Head {
  int status = 0;
  std::string_view reason;
  int content_lengths = 0, dates = 0, servers = 0, connections = 0, encodings = 0;
  std::uint64_t content_length = 0;
  std::string_view connection, content_range, location, allow, last_modified;
};

// Parses the head text (status line and field lines, each with its CRLF).
Head parse_head(std::string_view text) {
  Head h;
  std::size_t eol = text.find("\r\n");
  const std::string_view line = text.substr(0, eol);
  FUZZ_CHECK(line.size() >= 13 && line.substr(0, 9) == "HTTP/1.1 " && line[12] == ' ');
  FUZZ_CHECK(is_digits(line.substr(9, 3)) && line[9] >= '1' && line[9] <= '5');
  h.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  h.reason = line.substr(13);
  FUZZ_CHECK(!h.reason.empty() && is_clean_value(h.reason));
  for (std::size_t pos = eol + 2; pos < text.size(); pos = eol + 2) {
    eol = text.find("\r\n", pos);
    const std::string_view field = text.substr(pos, eol - pos);
    const std::size_t colon = field.find(':');
    FUZZ_CHECK(colon != std::string_view::npos && colon > 0);
    const std::string_view name = field.substr(0, colon);
    for (char c : name) FUZZ_CHECK(h1::http::is_tchar(c));
    FUZZ_CHECK(field.substr(colon, 2) == ": ");
    const std::string_view value = field.substr(colon + 2);
    FUZZ_CHECK(!value.empty() && is_clean_value(value));
    auto is = [&](std::string_view n) { return h1::http::iequals(name, n); };
    if (is("Content-Length")) {
      ++h.content_lengths;
      FUZZ_CHECK(parse_number(value, h.content_length));
    } else if (is("Date")) {
      ++h.dates;
      FUZZ_CHECK(is_imf_fixdate(value));
    } else if (is("Server")) {
      ++h.servers;
    } else if (is("Connection")) {
      ++h.connections;
      h.connection = value;
    } else if (is("Transfer-Encoding")) {
      ++h.encodings;
    } else if (is("Content-Range")) {
      h.content_range = value;
    } else if (is("Location")) {
      h.location = value;
    } else if (is("Allow")) {
      h.allow = value;
    } else if (is("Last-Modified")) {
      h.last_modified = value;
    }
  }
  return h;
}

// "bytes first-last/complete" (206), into its three numbers.
bool parse_content_range(std::string_view v, std::uint64_t& first, std::uint64_t& last,
                         std::uint64_t& complete) {
  if (v.substr(0, 6) != "bytes ") return false;
  v.remove_prefix(6);
  const std::size_t dash = v.find('-');
  const std::size_t slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return false;
  }
  return parse_number(v.substr(0, dash), first) &&
         parse_number(v.substr(dash + 1, slash - dash - 1), last) &&
         parse_number(v.substr(slash + 1), complete);
}

class OutputChecker {
 public:
  OutputChecker(std::string_view out, const std::vector<Record>& records, bool cut)
      : out_(out), records_(records), cut_(cut) {}

  void run() {
    std::size_t n = 0;
    while (pos_ < out_.size()) {
      FUZZ_CHECK(n < records_.size());  // every response was queued and logged
      response(records_[n++]);
    }
    if (!cut_) FUZZ_CHECK(n == records_.size());  // and every one queued was delivered
  }

 private:
  void response(const Record& rec) {
    const std::size_t head_end = out_.find("\r\n\r\n", pos_);
    if (head_end == std::string_view::npos) {
      FUZZ_CHECK(cut_);  // a head ends only where the connection was cut
      FUZZ_CHECK(out_.substr(pos_, 9) ==
                 std::string_view("HTTP/1.1 ").substr(0, out_.size() - pos_));
      pos_ = out_.size();
      return;
    }
    const Head h = parse_head(out_.substr(pos_, head_end + 2 - pos_));
    pos_ = head_end + 4;
    FUZZ_CHECK(h.status == rec.status);
    check_fields(h);
    const bool bodiless_status = h.status < 200 || h.status == 204 || h.status == 304;
    std::uint64_t body = h.content_length;
    if (bodiless_status || rec.method == Record::Method::head) body = 0;
    // An error answered before the method was known: a HEAD gets no body, and the
    // connection closes right after, so the output ends with the head.
    if (rec.method == Record::Method::unknown && pos_ == out_.size()) body = 0;
    const std::size_t available = out_.size() - pos_;
    const bool whole = body <= available;
    if (!whole) FUZZ_CHECK(cut_);
    const std::string_view bytes = out_.substr(pos_, whole ? body : available);
    check_body(h, rec, bytes);
    pos_ += bytes.size();
    if (h.connection == "close" || rec.method == Record::Method::unknown) {
      FUZZ_CHECK(pos_ == out_.size());  // nothing after the server said it closes
    }
  }

  static void check_fields(const Head& h) {
    FUZZ_CHECK(h.dates == 1 && h.servers == 1 && h.encodings == 0 && h.connections <= 1);
    if (h.connections == 1) FUZZ_CHECK(h.connection == "close" || h.connection == "keep-alive");
    if (h.status < 200 || h.status == 204) FUZZ_CHECK(h.content_lengths == 0);
    if (h.status == 304) FUZZ_CHECK(h.content_lengths <= 1);
    if (h.status >= 200 && h.status != 204 && h.status != 304) {
      FUZZ_CHECK(h.content_lengths == 1);
    }
    if (h.status == 206) {
      std::uint64_t first = 0, last = 0, complete = 0;
      FUZZ_CHECK(parse_content_range(h.content_range, first, last, complete));
      FUZZ_CHECK(first <= last && last < complete && h.content_length == last - first + 1);
    }
    if (h.status == 416) {
      std::uint64_t complete = 0;
      FUZZ_CHECK(h.content_range.substr(0, 8) == "bytes */");
      FUZZ_CHECK(parse_number(h.content_range.substr(8), complete));
    }
    if (h.status == 301) FUZZ_CHECK(!h.location.empty() && h.location.front() == '/');
    if (h.status == 405) FUZZ_CHECK(!h.allow.empty());  // RFC 9110 §15.5.6
    if (h.status == 200 || h.status == 206) FUZZ_CHECK(!h.last_modified.empty());
  }

  // bytes may be a prefix of the body when the connection was cut.
  static void check_body(const Head& h, const Record& rec, std::string_view bytes) {
    if (!h.last_modified.empty() && (h.status == 200 || h.status == 206)) {
      std::size_t doc = kDocs.size();
      for (std::size_t d = 0; d < kDocs.size(); ++d) {
        if (kDocs[d].last_modified == h.last_modified) doc = d;
      }
      FUZZ_CHECK(doc < kDocs.size());
      std::uint64_t first = 0, last = 0, complete = h.content_length;
      if (h.status == 206) FUZZ_CHECK(parse_content_range(h.content_range, first, last, complete));
      // Never a byte beyond the document: the size when opened is at most the original size.
      FUZZ_CHECK(complete <= kDocs[doc].size && first + h.content_length <= complete);
      const std::string& content = doc_content(doc);
      FUZZ_CHECK(bytes == std::string_view(content).substr(first, bytes.size()));
      return;
    }
    if (bytes.empty()) return;
    FUZZ_CHECK(rec.method != Record::Method::head);
    // A generated body: "<status> <reason>\n".
    std::string expected = std::to_string(h.status);
    expected += ' ';
    expected += h.reason;
    expected += '\n';
    FUZZ_CHECK(std::string_view(expected).substr(0, bytes.size()) == bytes);
  }

  std::string_view out_;
  const std::vector<Record>& records_;
  bool cut_;
  std::size_t pos_ = 0;
};

// ---- The driver ------------------------------------------------------------------------

constexpr std::int64_t kStartUnix = 1'700'000'000;
constexpr std::array<std::chrono::milliseconds, 4> kTickUnits = {1ms, 100ms, 1s, 10s};

class Driver {
 public:
  Driver(std::span<const std::uint8_t> program, std::string_view stream)
      : program_(program), stream_(stream) {
    config_.access_log = &log_;
    conn_.emplace(config_, files_, now_);
    out_.reserve(4096);
  }

  void run() {
    while (!conn_->closed() && op_ < program_.size()) {
      step();
      after_event();
    }
    finish();
    conn_.reset();
    FUZZ_CHECK(files_.open_count() == 0);
    // H1_FUZZ_DUMP=1 prints what the server wrote, to see why a check failed.
    static const bool dump = std::getenv("H1_FUZZ_DUMP") != nullptr;
    if (dump) {
      std::fprintf(stderr, "---- output (%zu bytes, %zu responses logged%s)\n", out_.size(),
                   log_.records.size(), cut_ ? ", cut" : "");
      std::fwrite(out_.data(), 1, out_.size(), stderr);
      std::fprintf(stderr, "\n---- end of output\n");
    }
    OutputChecker(out_, log_.records, cut_).run();
  }

 private:
  std::uint8_t next() { return op_ < program_.size() ? program_[op_++] : 0; }

  void step() {
    const unsigned op = next();
    const unsigned arg = op >> 3;
    switch (op & 7) {
      case 0:
        read(1 + next() + 256 * std::size_t{arg});
        break;
      case 1:
        read(SIZE_MAX);
        break;
      case 2:
        write(1 + next() + 256 * std::size_t{arg});
        break;
      case 3:
        write(SIZE_MAX);
        break;
      case 4:
        tick(kTickUnits[arg & 3] * (next() + 1), (arg & 4) != 0);
        break;
      case 5:
        eof();
        break;
      case 6:
        conn_->begin_shutdown(now_);
        break;
      default:
        files_event(arg);
        break;
    }
  }

  void files_event(unsigned arg) {
    if (arg == 0) {
      if (!conn_->wants_write()) return;  // a write can only fail while writing
      cut_ = true;
      conn_->on_write_error();
      return;
    }
    const unsigned fraction = next();
    const std::string path(kDocs[(arg >> 1) % kDocs.size()].path);
    if ((arg & 1) != 0) {
      files_.shrink(path, fraction);
    } else {
      files_.shrink_after_next_open(fraction);
    }
  }

  void read(std::size_t max) {
    if (eof_ || sent_ == stream_.size() || !conn_->wants_read()) return;
    const std::span<char> space = conn_->read_space();
    FUZZ_CHECK(!space.empty());
    const std::size_t n = std::min({max, space.size(), stream_.size() - sent_});
    std::memcpy(space.data(), stream_.data() + sent_, n);
    sent_ += n;
    conn_->on_read(n, now_);
  }

  // Writes up to max bytes of pending(), as one writev/sendfile round would.
  void write(std::size_t max) {
    std::size_t total = 0;
    bool short_file = false;
    for (const Segment& s : conn_->pending()) {
      if (total >= max) break;
      const std::size_t room = max - total;
      if (s.kind == Segment::Kind::bytes) {
        const std::size_t n = std::min(room, s.size);
        out_.append(s.data, n);
        total += n;
        if (n < s.size) break;
        continue;
      }
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(room, s.length));
      std::size_t got = 0;
      while (got < want) {
        const std::size_t chunk = std::min(want - got, buffer_.size());
        const std::size_t n = files_.read(s.file, s.offset + got, {buffer_.data(), chunk});
        if (n == 0) break;
        out_.append(buffer_.data(), n);
        got += n;
      }
      total += got;
      if (got < want) {
        short_file = true;
        break;
      }
      if (want < s.length) break;
    }
    if (total > 0) conn_->on_sent(total, now_);
    if (short_file && !conn_->closed()) {
      FUZZ_CHECK(files_.shrank());  // only a document that shrank ends early
      cut_ = true;
      conn_->on_file_short(now_);
    }
  }

  void tick(std::chrono::milliseconds d, bool early_timer) {
    now_.mono += d;
    now_.unix_seconds =
        kStartUnix + std::chrono::duration_cast<std::chrono::seconds>(now_.mono - start_).count();
    if (now_.mono >= conn_->deadline()) {
      timer();
    } else if (early_timer) {
      const auto before = snapshot();
      conn_->on_timer(now_);
      FUZZ_CHECK(snapshot() == before);  // nothing happens before the deadline
    }
  }

  void timer() {
    if (conn_->wants_write()) cut_ = true;  // a stalled write is dropped
    conn_->on_timer(now_);
  }

  void eof() {
    if (eof_) return;
    eof_ = true;
    conn_->on_eof(now_);
  }

  struct Snapshot {
    std::size_t pending;
    bool closed, wants_read, wants_write;
    TimePoint deadline;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot snapshot() const {
    return {conn_->pending().size(), conn_->closed(), conn_->wants_read(), conn_->wants_write(),
            conn_->deadline()};
  }

  void after_event() {
    for (const Segment& s : conn_->pending()) {
      if (s.kind == Segment::Kind::bytes) {
        FUZZ_CHECK(s.size > 0 && s.data != nullptr);
      } else {
        FUZZ_CHECK(s.length > 0 && files_.live(s.file));
        FUZZ_CHECK(s.offset + s.length <= files_.size_at_open(s.file));
      }
    }
    FUZZ_CHECK(conn_->wants_write() == !conn_->pending().empty());
    if (conn_->wants_shutdown()) {
      FUZZ_CHECK(!conn_->wants_write());
      if (!shut_) {
        shut_ = true;
        out_at_shutdown_ = out_.size();
      }
      conn_->on_shutdown(now_);
    }
    if (shut_) FUZZ_CHECK(out_.size() == out_at_shutdown_ && !conn_->wants_write());
    if (conn_->closed()) {
      FUZZ_CHECK(!conn_->wants_read() && !conn_->wants_write());
      FUZZ_CHECK(conn_->deadline() == TimePoint::max());
      FUZZ_CHECK(files_.open_count() == 0);
    }
    if (conn_->idle()) FUZZ_CHECK(files_.open_count() == 0);
  }

  // Sends the rest, drains, ends the stream and lets timers run until the connection closes.
  void finish() {
    for (int round = 0; round < 100'000 && !conn_->closed(); ++round) {
      if (conn_->wants_write()) {
        write(SIZE_MAX);
      } else if (!eof_ && sent_ < stream_.size() && conn_->wants_read()) {
        read(SIZE_MAX);
      } else if (!eof_) {
        eof();
      } else if (conn_->deadline() != TimePoint::max()) {
        now_.mono = std::max(now_.mono, conn_->deadline());
        timer();
      } else {
        break;
      }
      after_event();
    }
    FUZZ_CHECK(conn_->closed());  // after end of stream, every path leads to close
  }

  std::span<const std::uint8_t> program_;
  std::string_view stream_;
  std::size_t op_ = 0;
  std::size_t sent_ = 0;
  FuzzFiles files_;
  Log log_;
  Config config_;
  const TimePoint start_ = TimePoint{} + 1000s;
  Now now_{start_, kStartUnix};
  std::optional<Connection> conn_;
  std::string out_;
  std::array<char, 8192> buffer_{};
  bool eof_ = false;
  bool cut_ = false;
  bool shut_ = false;
  std::size_t out_at_shutdown_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t program = std::min<std::size_t>(data[0], size - 1);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1 + program,
                                size - 1 - program);
  Driver(std::span<const std::uint8_t>(data + 1, program), stream).run();
  return 0;
}
