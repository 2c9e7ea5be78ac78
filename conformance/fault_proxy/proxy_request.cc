#include "proxy_request.h"

#include <algorithm>
#include <utility>

namespace h1spec::faulty {

namespace {

// As the strict reader's bound: a head beyond it is left to the strict reader to refuse.
constexpr std::size_t kMaxHead = 65'536;

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool has_field(const std::vector<ClientField>& fields, std::string_view name) {
  return std::any_of(fields.begin(), fields.end(),
                     [&](const ClientField& f) { return iequals(f.name, name); });
}

// A request as the parsing faults read it, rewritten (CRLF lines, no NUL, no fold) so that the
// strict reader accepts what the fault accepted; the fault's misreading is thereby forwarded
// as an ordinary request.
struct Tolerated {
  bool applied = false;      ///< some fault was needed: read `copy` instead of the raw bytes
  bool need_more = false;    ///< the head or chunked body has not ended yet (by the faults' rules)
  std::string copy;          ///< the rewritten head (and chunked body), then the raw rest
  std::size_t copy_end = 0;  ///< copy[0, copy_end) stands for raw[0, raw_end)
  std::size_t raw_end = 0;
  std::size_t raw_head = 0;  ///< raw bytes of the head
  std::vector<ClientField> fields;
  std::vector<bool> parsed;  ///< fields[i] is in `copy` (forward-cl-te leaves CL out)
  bool keep_framing = false;
};

enum class Step : std::uint8_t { line, need_more, refuse };

// The line at bytes[pos]: it ends at CRLF, or at a bare LF or bare CR when a fault allows it.
// `odd` says a fault was needed.
Step next_line(std::string_view bytes, std::size_t pos, ProxyFaults faults,
               std::string_view& content, std::size_t& next, bool& odd) {
  for (std::size_t i = pos; i < bytes.size() && i - pos <= kMaxHead; ++i) {
    if (bytes[i] == '\n') {
      if (!faults.has(ProxyFault::bare_lf)) return Step::refuse;
      content = bytes.substr(pos, i - pos);
      next = i + 1;
      odd = true;
      return Step::line;
    }
    if (bytes[i] != '\r') continue;
    if (i + 1 == bytes.size()) return Step::need_more;
    content = bytes.substr(pos, i - pos);
    const bool bare = bytes[i + 1] != '\n';
    if (bare && !faults.has(ProxyFault::bare_cr)) return Step::refuse;
    odd = odd || bare;
    next = bare ? i + 1 : i + 2;
    return Step::line;
  }
  return bytes.size() - pos > kMaxHead ? Step::refuse : Step::need_more;
}

// `s` cut at its first NUL when cut-at-nul allows it; false when a NUL stays.
bool cut_nul(std::string_view& s, ProxyFaults faults, bool& odd) {
  const std::size_t nul = s.find('\0');
  if (nul == std::string_view::npos) return true;
  if (!faults.has(ProxyFault::cut_at_nul)) return false;
  s = s.substr(0, nul);
  odd = true;
  return true;
}

// One field line; false when no fault accepts it (the strict reader then reports it).
bool tolerate_field(std::string_view content, ProxyFaults faults, Tolerated& t, bool& odd) {
  if (is_ows(content.front())) {
    // obs-fold, read the way careless parsers do: the continuation line is dropped.
    if (!faults.has(ProxyFault::obs_fold) || t.fields.empty()) return false;
    odd = true;
    return true;
  }
  const std::size_t colon = content.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = content.substr(0, colon);
  if (is_ows(name.back())) {
    if (!faults.has(ProxyFault::ws_before_colon)) return false;
    while (!name.empty() && is_ows(name.back())) name.remove_suffix(1);
    if (name.empty()) return false;
    odd = true;
  }
  std::string_view value = content.substr(colon + 1);
  if (!cut_nul(value, faults, odd)) return false;
  t.fields.push_back({std::string(name), std::string(trim(value)), std::string(content)});
  t.parsed.push_back(true);
  return true;
}

// The chunked body at raw[pos], rewritten into t.copy under the faults' line rules. On a
// line no fault explains, the rest is left raw for the strict reader to refuse.
Step tolerate_chunked(std::string_view raw, std::size_t pos, ProxyFaults faults, Tolerated& t,
                      bool& odd) {
  std::string_view line;
  std::size_t next = 0;
  bool trailers = false;
  for (;;) {
    const Step step = next_line(raw, pos, faults, line, next, odd);
    if (step != Step::line) return step;
    pos = next;
    if (trailers) {
      t.copy += std::string(line) + "\r\n";
      if (line.empty()) break;
      continue;
    }
    if (!cut_nul(line, faults, odd)) return Step::refuse;
    t.copy += std::string(line) + "\r\n";
    std::uint64_t size = 0;
    std::size_t digits = 0;
    for (; digits < line.size() && digits < 16; ++digits) {
      const char c = line[digits];
      const int d = (c >= '0' && c <= '9')   ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : -1;
      if (d < 0) break;
      size = size * 16 + static_cast<std::uint64_t>(d);
    }
    if (digits == 0 || digits == 16) return Step::refuse;
    if (size == 0) {
      trailers = true;
      continue;
    }
    if (raw.size() - pos < size) return Step::need_more;
    t.copy += raw.substr(pos, static_cast<std::size_t>(size));
    pos += static_cast<std::size_t>(size);
    const Step end = next_line(raw, pos, faults, line, next, odd);
    if (end != Step::line) return end;
    if (!line.empty()) return Step::refuse;
    t.copy += "\r\n";
    pos = next;
  }
  t.raw_end = pos;
  return Step::line;
}

// The request at the start of bytes under the line rules of the parsing faults. Not applied
// when it needs no fault, or one that is off: then the strict reader has the last word.
Tolerated tolerate(std::string_view bytes, bool eof, ProxyFaults faults) {
  Tolerated t;
  Tolerated wait;
  wait.need_more = !eof;
  std::size_t pos = 0;
  while (bytes.substr(pos, 2) == "\r\n") pos += 2;
  t.copy = std::string(bytes.substr(0, pos));
  bool odd = false;
  std::string_view line;
  std::size_t next = 0;
  Step step = next_line(bytes, pos, faults, line, next, odd);
  if (step != Step::line) return step == Step::need_more ? wait : Tolerated{};
  t.copy += std::string(line) + "\r\n";
  for (pos = next;; pos = next) {
    step = next_line(bytes, pos, faults, line, next, odd);
    if (step != Step::line) return step == Step::need_more ? wait : Tolerated{};
    if (line.empty()) break;
    if (!tolerate_field(line, faults, t, odd)) return {};
  }
  t.raw_head = next;
  const bool has_te = has_field(t.fields, "Transfer-Encoding");
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    ClientField& f = t.fields[i];
    const bool cl = iequals(f.name, "Content-Length");
    const bool framing = cl || iequals(f.name, "Transfer-Encoding");
    // A folded-away framing value leaves the field empty: read as if it were absent.
    if (framing && f.value.empty() && faults.has(ProxyFault::obs_fold)) t.parsed[i] = false;
    if (faults.has(ProxyFault::forward_cl_te) && has_te && has_field(t.fields, "Content-Length")) {
      t.keep_framing = true;
      if (cl) t.parsed[i] = false;
    }
    if (!t.keep_framing || !framing) f.raw.clear();
  }
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    if (t.parsed[i]) t.copy += t.fields[i].name + ": " + t.fields[i].value + "\r\n";
  }
  t.copy += "\r\n";
  odd = odd || t.keep_framing;
  t.raw_end = t.raw_head;
  bool chunked = false;
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    chunked = chunked || (t.parsed[i] && iequals(t.fields[i].name, "Transfer-Encoding"));
  }
  if (chunked && !t.keep_framing) {
    bool body_odd = false;
    const std::size_t copy_head = t.copy.size();
    step = tolerate_chunked(bytes, t.raw_head, faults, t, body_odd);
    if (step == Step::need_more) return wait;
    if (step == Step::refuse || !body_odd) {
      t.copy.resize(copy_head);  // the strict reader decodes (or refuses) the raw body
      t.raw_end = t.raw_head;
    }
    odd = odd || (step == Step::line && body_odd);
  }
  if (!odd) return {};
  t.applied = true;
  t.copy_end = t.copy.size();
  t.copy += bytes.substr(t.raw_end);
  return t;
}

ClientRead from_reader(RequestReadResult r) {
  ClientRead out;
  out.status = r.status;
  out.error = std::move(r.error);
  out.consumed = r.consumed;
  out.request.request = std::move(r.request);
  return out;
}

}  // namespace

ClientRead read_client_request(std::string_view bytes, bool eof, ProxyFaults faults) {
  if (faults.lenient()) {
    Tolerated t = tolerate(bytes, eof, faults);
    if (t.need_more) return {};
    if (t.applied) {
      ClientRead out = from_reader(read_request(t.copy, eof));
      if (out.status != ReadStatus::complete) return out;
      out.consumed = out.consumed + t.raw_end - t.copy_end;
      ClientRequest& c = out.request;
      c.fields = std::move(t.fields);
      c.keep_framing = t.keep_framing;
      if (c.keep_framing) {
        c.raw_body = std::string(bytes.substr(t.raw_head, out.consumed - t.raw_head));
      }
      return out;
    }
  }
  ClientRead out = from_reader(read_request(bytes, eof));
  if (out.status == ReadStatus::complete) {
    for (const auto& [name, value] : out.request.request.fields) {
      out.request.fields.push_back({name, value, {}});
    }
  }
  return out;
}

bool head_awaits_continue(std::string_view bytes) {
  std::size_t pos = 0;
  while (bytes.substr(pos, 2) == "\r\n") pos += 2;
  const std::size_t end = bytes.find("\r\n\r\n", pos);
  if (end == std::string_view::npos) return false;
  const std::string_view head = bytes.substr(pos, end + 2 - pos);
  std::size_t eol = head.find("\r\n");
  if (eol < 8 || head.substr(eol - 8, 8) != "HTTP/1.1") return false;
  bool expects = false;
  bool body = false;
  for (std::size_t at = eol + 2; at < head.size(); at = eol + 2) {
    eol = head.find("\r\n", at);
    const std::string_view line = head.substr(at, eol - at);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Expect") && iequals(value, "100-continue")) expects = true;
    if (iequals(name, "Transfer-Encoding")) body = true;
    if (iequals(name, "Content-Length") && value != "0") body = true;
  }
  return expects && body;
}

}  // namespace h1spec::faulty
