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

// A request head as the parsing faults let it through, rewritten for the strict reader.
struct Tolerated {
  bool applied = false;    ///< some fault was needed: use `head` instead of the raw head
  bool need_more = false;  ///< the head has not ended yet (by the faults' line rules)
  std::string head;        ///< the head with CRLF line ends, for the strict reader
  std::size_t raw_size = 0;
  std::vector<ClientField> fields;
  std::vector<bool> parsed;  ///< fields[i] is in `head` (forward-cl-te leaves CL out)
  std::string line_end;
  std::string head_end;
  bool keep_framing = false;
};

// One field line, or a continuation of the last one; false when no fault accepts it.
bool tolerate_field(std::string_view line, std::string_view content, bool bare, ProxyFaults faults,
                    Tolerated& t, std::vector<bool>& changed) {
  if (is_ows(content.front())) {
    if (!faults.has(ProxyFault::obs_fold) || t.fields.empty()) return false;
    ClientField& last = t.fields.back();
    const std::string_view more = trim(content);
    if (!more.empty() && !last.value.empty()) last.value += ' ';
    last.value += more;
    last.raw += line;
    changed.back() = true;
    return true;
  }
  bool odd = bare;
  const std::size_t colon = content.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = content.substr(0, colon);
  if (is_ows(name.back())) {
    if (!faults.has(ProxyFault::ws_before_colon)) return false;
    while (!name.empty() && is_ows(name.back())) name.remove_suffix(1);
    if (name.empty()) return false;
    odd = true;
  }
  std::string value(trim(content.substr(colon + 1)));
  if (value.find('\0') != std::string::npos) {
    if (!faults.has(ProxyFault::forwards_nul)) return false;
    std::replace(value.begin(), value.end(), '\0', ' ');
    odd = true;
  }
  t.fields.push_back({std::string(name), std::move(value), std::string(line)});
  t.parsed.push_back(true);
  changed.push_back(odd);
  return true;
}

// The head at the start of bytes under the line rules of the parsing faults. Not applied when
// the head needs no fault, or needs one that is off: then the strict reader has the last word.
Tolerated tolerate(std::string_view bytes, bool eof, ProxyFaults faults) {
  Tolerated t;
  std::size_t pos = 0;
  while (bytes.substr(pos, 2) == "\r\n") pos += 2;
  const std::size_t start = pos;
  std::string request_line;
  std::vector<bool> changed;
  bool any = false;
  bool first = true;
  for (;;) {
    const std::size_t lf = bytes.find('\n', pos);
    if (lf == std::string_view::npos || lf - start > kMaxHead) {
      if (lf == std::string_view::npos && !eof && bytes.size() - start <= kMaxHead) {
        t.need_more = true;
      }
      Tolerated wait;
      wait.need_more = t.need_more;
      return wait;
    }
    const std::string_view line = bytes.substr(pos, lf + 1 - pos);
    std::string_view content = line.substr(0, line.size() - 1);
    const bool bare = content.empty() || content.back() != '\r';
    if (!bare) content.remove_suffix(1);
    if (bare && !faults.has(ProxyFault::bare_lf)) return {};
    any = any || bare;
    pos = lf + 1;
    if (first) {
      request_line = content;
      t.line_end = line.substr(content.size());
      first = false;
    } else if (content.empty()) {
      t.head_end = line.substr(content.size());
      break;
    } else if (!tolerate_field(line, content, bare, faults, t, changed)) {
      return {};
    }
  }
  if (faults.has(ProxyFault::forward_cl_te) && has_field(t.fields, "Transfer-Encoding") &&
      has_field(t.fields, "Content-Length")) {
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      const bool cl = iequals(t.fields[i].name, "Content-Length");
      if (cl || iequals(t.fields[i].name, "Transfer-Encoding")) changed[i] = true;
      if (cl) t.parsed[i] = false;
    }
    t.keep_framing = true;
  }
  any = any || std::find(changed.begin(), changed.end(), true) != changed.end();
  if (!any) return {};
  t.applied = true;
  t.raw_size = pos;
  t.head = std::string(bytes.substr(0, start)) + request_line + "\r\n";
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    if (t.parsed[i]) t.head += t.fields[i].name + ": " + t.fields[i].value + "\r\n";
    if (!changed[i]) t.fields[i].raw.clear();
  }
  t.head += "\r\n";
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
      const std::string copy = t.head + std::string(bytes.substr(t.raw_size));
      ClientRead out = from_reader(read_request(copy, eof));
      if (out.status != ReadStatus::complete) return out;
      out.consumed = out.consumed - t.head.size() + t.raw_size;
      ClientRequest& c = out.request;
      c.fields = std::move(t.fields);
      c.line_end = std::move(t.line_end);
      c.head_end = std::move(t.head_end);
      c.keep_framing = t.keep_framing;
      if (c.keep_framing)
        c.raw_body = std::string(bytes.substr(t.raw_size, out.consumed - t.raw_size));
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
