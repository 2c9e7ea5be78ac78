#include "wire/request_reader.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace h1spec {

namespace {

// Bounds on what a strict reader buffers before giving up, so a peer cannot make it wait on
// an endless line. They are far above anything a real request needs.
constexpr std::size_t kMaxHead = 65'536;
constexpr std::size_t kMaxChunkLine = 4096;
constexpr std::size_t kMaxTrailers = 65'536;

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

std::string hex_byte(char c) {
  constexpr const char* kHex = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[u >> 4] + kHex[u & 15];
}

// s in double quotes for an error message: printable ASCII as is, other bytes as \xNN,
// cut after 40 bytes.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < 40; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u < 0x7f && s[i] != '"' && s[i] != '\\') {
      out += s[i];
    } else {
      out += "\\x" + hex_byte(s[i]).substr(2);
    }
  }
  if (s.size() > 40) out += "...";
  return out + "\"";
}

RequestReadResult malformed(std::string why) {
  RequestReadResult r;
  r.status = ReadStatus::malformed;
  r.error = std::move(why);
  return r;
}

// Finds the CRLF that ends the line starting at bytes[pos], looking at most `limit` bytes
// ahead; eol is the CR's offset. A LF without CR, or a CR without LF, is malformed: that is
// where readers disagree on where a line ends. Bytes are examined in order, so a prefix of
// the stream never reports something the whole would not.
ReadStatus find_line(std::string_view bytes, std::size_t pos, std::size_t limit,
                     std::string_view where, std::string_view too_long, std::size_t& eol,
                     std::string& why) {
  for (std::size_t i = pos; i < bytes.size(); ++i) {
    if (i - pos >= limit) {
      why = too_long;
      return ReadStatus::malformed;
    }
    if (bytes[i] == '\n') {
      why = "bare LF in " + std::string(where);
      return ReadStatus::malformed;
    }
    if (bytes[i] != '\r') continue;
    if (i + 1 == bytes.size()) return ReadStatus::need_more;
    if (bytes[i + 1] != '\n') {
      why = "bare CR in " + std::string(where);
      return ReadStatus::malformed;
    }
    eol = i;
    return ReadStatus::complete;
  }
  return ReadStatus::need_more;
}

// Finds the empty line that ends a block of lines (a head or a trailer section) starting at
// bytes[from]; end is past its CRLF. The whole block is bounded by limit.
ReadStatus find_block_end(std::string_view bytes, std::size_t from, std::size_t limit,
                          std::string_view where, std::string_view too_long, std::size_t& end,
                          std::string& why) {
  std::size_t pos = from;
  for (;;) {
    std::size_t eol = 0;
    const ReadStatus s = find_line(bytes, pos, limit - (pos - from), where, too_long, eol, why);
    if (s != ReadStatus::complete) return s;
    if (eol == pos) {
      end = eol + 2;
      return ReadStatus::complete;
    }
    pos = eol + 2;
    if (pos - from >= limit) {
      why = too_long;
      return ReadStatus::malformed;
    }
  }
}

// request-line = method SP request-target SP HTTP-version   (RFC 9112 §3)
bool parse_request_line(std::string_view line, Request& r, std::string& why) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) {
    why = "request-line without SP: " + quoted(line);
    return false;
  }
  const std::string_view method = line.substr(0, sp1);
  for (char c : method) {
    if (!is_tchar(c)) {
      why = "invalid byte " + hex_byte(c) + " in the method " + quoted(method);
      return false;
    }
  }
  const std::string_view rest = line.substr(sp1 + 1);
  const std::size_t sp2 = rest.find(' ');
  if (sp2 == 0) {
    why = "empty request-target (two SPs after the method)";
    return false;
  }
  if (sp2 == std::string_view::npos) {
    why = "request-line without the SP before the HTTP-version: " + quoted(line);
    return false;
  }
  const std::string_view target = rest.substr(0, sp2);
  for (char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      why = "invalid byte " + hex_byte(c) + " in the request-target " + quoted(target);
      return false;
    }
  }
  const std::string_view version = rest.substr(sp2 + 1);
  if (version.find(' ') != std::string_view::npos) {
    why = "more than two SPs in the request-line: " + quoted(line);
    return false;
  }
  const auto digit = [&](std::size_t i) { return version[i] >= '0' && version[i] <= '9'; };
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !digit(5) || version[6] != '.' ||
      !digit(7)) {
    why = "malformed HTTP-version " + quoted(version);
    return false;
  }
  r.method = std::string(method);
  r.target = std::string(target);
  r.version = std::string(version);
  return true;
}

// field-line = field-name ":" OWS field-value OWS   (RFC 9112 §5); `what` names the section.
bool parse_field(std::string_view line, std::vector<std::pair<std::string, std::string>>& out,
                 std::string_view what, std::string& why) {
  if (is_ows(line.front())) {
    why = out.empty()
              ? "whitespace before the first " + std::string(what) + " line"
              : "obsolete line folding after " + std::string(what) + " " + quoted(out.back().first);
    return false;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    why = std::string(what) + " line without a colon: " + quoted(line);
    return false;
  }
  if (colon == 0) {
    why = std::string(what) + " line with an empty name: " + quoted(line);
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  if (is_ows(name.back())) {
    why = "whitespace between the " + std::string(what) + " name and colon in " + quoted(name);
    return false;
  }
  for (char c : name) {
    if (!is_tchar(c)) {
      why =
          "invalid byte " + hex_byte(c) + " in the " + std::string(what) + " name " + quoted(name);
      return false;
    }
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0) {
      why = "NUL in the value of " + std::string(what) + " " + quoted(name);
      return false;
    }
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      why = "control byte " + hex_byte(c) + " in the value of " + std::string(what) + " " +
            quoted(name);
      return false;
    }
  }
  out.emplace_back(name, value);
  return true;
}

// Every field line of a block [begin, end) whose lines are known to end in CRLF.
bool parse_fields(std::string_view block, std::vector<std::pair<std::string, std::string>>& out,
                  std::string_view what, std::string& why) {
  std::size_t pos = 0;
  while (pos < block.size()) {
    const std::size_t eol = block.find("\r\n", pos);
    if (!parse_field(block.substr(pos, eol - pos), out, what, why)) return false;
    pos = eol + 2;
  }
  return true;
}

// Splits the list values of every field named `name` into trimmed, non-empty elements
// (RFC 9110 §5.6.1: a recipient ignores empty list elements).
std::vector<std::string_view> list_elements(const Request& r, std::string_view name) {
  std::vector<std::string_view> out;
  for (std::string_view v : r.all(name)) {
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      const std::string_view e = trim_ows(v.substr(0, comma));
      if (!e.empty()) out.push_back(e);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

// Content-Length = 1*DIGIT, every copy the same (RFC 9112 §6.3 item 5: "Content-Length: 42,
// 42" or two fields of 42 may be read as one).
bool content_length(const Request& r, std::uint64_t& n, std::string& why) {
  bool have = false;
  for (std::string_view v : r.all("Content-Length")) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = v.find(',', start);
      const std::string_view e = trim_ows(v.substr(start, comma - start));
      std::uint64_t m = 0;
      if (e.empty()) {
        why = "empty Content-Length element in " + quoted(v);
        return false;
      }
      for (char c : e) {
        if (c < '0' || c > '9') {
          why = "invalid Content-Length " + quoted(v);
          return false;
        }
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (m > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
          why = "Content-Length " + quoted(e) + " overflows 64 bits";
          return false;
        }
        m = m * 10 + d;
      }
      if (have && m != n) {
        why = "differing Content-Length values " + std::to_string(n) + " and " + std::to_string(m);
        return false;
      }
      n = m;
      have = true;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return true;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )   (§7.1.1)
// chunk-ext-val = token / quoted-string
bool parse_chunk_ext(std::string_view ext, std::string& why) {
  std::size_t i = 0;
  const auto skip_bws = [&] {
    while (i < ext.size() && is_ows(ext[i])) ++i;
  };
  while (i < ext.size()) {
    skip_bws();
    if (i == ext.size()) {
      why = "whitespace at the end of a chunk-size line";
      return false;
    }
    if (ext[i] != ';') {
      why = "invalid byte " + hex_byte(ext[i]) + " after the chunk size, where ';' or CRLF belongs";
      return false;
    }
    ++i;
    skip_bws();
    const std::size_t name = i;
    while (i < ext.size() && is_tchar(ext[i])) ++i;
    if (i == name) {
      why = "chunk extension without a name: " + quoted(ext);
      return false;
    }
    const std::size_t after_name = i;
    skip_bws();
    if (i == ext.size() || ext[i] != '=') {
      i = after_name;  // no value; what follows must be BWS ";" or the end
      continue;
    }
    ++i;
    skip_bws();
    if (i < ext.size() && ext[i] == '"') {
      for (++i;; ++i) {
        if (i == ext.size()) {
          why = "unterminated quoted-string in a chunk extension: " + quoted(ext);
          return false;
        }
        const auto u = static_cast<unsigned char>(ext[i]);
        if (ext[i] == '"') break;
        if (ext[i] == '\\') {
          ++i;
          const auto q = i < ext.size() ? static_cast<unsigned char>(ext[i]) : 0;
          if (i == ext.size() || (q < 0x20 && q != '\t') || q == 0x7f) {
            why = "invalid quoted-pair in a chunk extension: " + quoted(ext);
            return false;
          }
        } else if ((u < 0x20 && u != '\t') || u == 0x7f) {
          why = "control byte " + hex_byte(ext[i]) + " in a quoted chunk extension value";
          return false;
        }
      }
      ++i;
    } else {
      const std::size_t value = i;
      while (i < ext.size() && is_tchar(ext[i])) ++i;
      if (i == value) {
        why = "chunk extension with '=' but no value: " + quoted(ext);
        return false;
      }
    }
  }
  return true;
}

// chunked-body = *chunk last-chunk trailer-section CRLF   (RFC 9112 §7.1)
ReadStatus decode_chunked(std::string_view bytes, std::size_t pos, Request& r, std::size_t& end,
                          std::string& why) {
  for (;;) {
    std::size_t eol = 0;
    const ReadStatus s = find_line(bytes, pos, kMaxChunkLine, "a chunk-size line",
                                   "chunk-size line longer than 4096 bytes", eol, why);
    if (s != ReadStatus::complete) return s;
    const std::string_view line = bytes.substr(pos, eol - pos);
    std::uint64_t size = 0;
    std::size_t i = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) break;
      if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
        why = "chunk size " + quoted(line.substr(0, i + 1)) + "... overflows 64 bits";
        return ReadStatus::malformed;
      }
      size = size * 16 + static_cast<std::uint64_t>(d);
    }
    if (i == 0) {
      why = "chunk-size line without a hex size: " + quoted(line);
      return ReadStatus::malformed;
    }
    if (!parse_chunk_ext(line.substr(i), why)) return ReadStatus::malformed;
    pos = eol + 2;
    if (size == 0) break;
    const std::size_t left = bytes.size() - pos;
    if (size > left || left - size < 2) return ReadStatus::need_more;
    r.body.append(bytes.substr(pos, size));
    if (bytes.substr(pos + size, 2) != "\r\n") {
      why = "chunk data not followed by CRLF (chunk of " + std::to_string(size) + " bytes)";
      return ReadStatus::malformed;
    }
    pos += size + 2;
  }
  std::size_t trailers_end = 0;
  const ReadStatus s = find_block_end(bytes, pos, kMaxTrailers, "the trailer section",
                                      "trailer section larger than 64 KiB", trailers_end, why);
  if (s != ReadStatus::complete) return s;
  if (!parse_fields(bytes.substr(pos, trailers_end - 2 - pos), r.trailers, "trailer field", why))
    return ReadStatus::malformed;
  end = trailers_end;
  return ReadStatus::complete;
}

// Transfer-Encoding of a request (RFC 9112 §6.1, §6.3 item 4): chunked, last and once.
bool check_transfer_encoding(const Request& r, std::string& why) {
  if (r.version == "HTTP/1.0") {
    why = "Transfer-Encoding in an HTTP/1.0 request";
    return false;
  }
  const std::vector<std::string_view> codings = list_elements(r, "Transfer-Encoding");
  if (codings.empty()) {
    why = "empty Transfer-Encoding";
    return false;
  }
  int chunked = 0;
  for (std::string_view c : codings) {
    const std::string_view name = trim_ows(c.substr(0, c.find(';')));
    for (char ch : name) {
      if (!is_tchar(ch)) {
        why = "invalid transfer-coding " + quoted(c);
        return false;
      }
    }
    if (name.empty()) {
      why = "invalid transfer-coding " + quoted(c);
      return false;
    }
    if (iequals(name, "chunked")) {
      ++chunked;
      if (name.size() != c.size()) {
        why = "parameters on the chunked coding: " + quoted(c);
        return false;
      }
    }
  }
  if (!iequals(codings.back(), "chunked")) {
    why = "Transfer-Encoding whose final coding is not chunked: " + quoted(codings.back());
    return false;
  }
  if (chunked > 1) {
    why = "chunked applied more than once in Transfer-Encoding";
    return false;
  }
  return true;
}

}  // namespace

RequestReadResult read_request(std::string_view bytes, bool eof) {
  const auto incomplete = [&](std::string_view where) {
    if (!eof || bytes.empty()) return RequestReadResult{};
    return malformed("connection closed inside " + std::string(where));
  };
  // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
  // ignore at least one empty line (CRLF) received prior to the request-line."
  std::size_t start = 0;
  std::size_t empty_lines = 0;
  while (start + 1 < bytes.size() && bytes[start] == '\r' && bytes[start + 1] == '\n') {
    if (start >= kMaxHead) return malformed("request head larger than 64 KiB");
    start += 2;
    ++empty_lines;
  }
  if (start < bytes.size()) {
    const char c = bytes[start];
    if (c == '\n') return malformed("bare LF before the request-line");
    if (c == '\r' && start + 1 < bytes.size()) return malformed("bare CR before the request-line");
    if (is_ows(c)) return malformed("whitespace before the request-line");
  }
  std::string why;
  std::size_t head_end = 0;
  const ReadStatus head = find_block_end(bytes, start, kMaxHead, "the request head",
                                         "request head larger than 64 KiB", head_end, why);
  if (head == ReadStatus::malformed) return malformed(why);
  if (head == ReadStatus::need_more) return incomplete("the request head");

  RequestReadResult r;
  Request& req = r.request;
  req.leading_empty_lines = empty_lines;
  const std::string_view block = bytes.substr(start, head_end - 2 - start);
  const std::size_t line_end = block.find("\r\n");
  if (!parse_request_line(block.substr(0, line_end), req, why)) return malformed(why);
  if (!parse_fields(block.substr(line_end + 2), req.fields, "field", why)) return malformed(why);

  const bool has_te = req.find("Transfer-Encoding") != nullptr;
  const bool has_cl = req.find("Content-Length") != nullptr;
  std::size_t end = head_end;
  if (has_te && has_cl) return malformed("both Transfer-Encoding and Content-Length");
  if (has_te) {
    if (!check_transfer_encoding(req, why)) return malformed(why);
    req.framing = BodyFraming::chunked;
    const ReadStatus s = decode_chunked(bytes, head_end, req, end, why);
    if (s == ReadStatus::malformed) return malformed(why);
    if (s == ReadStatus::need_more) return incomplete("the chunked body");
  } else if (has_cl) {
    std::uint64_t n = 0;
    if (!content_length(req, n, why)) return malformed(why);
    req.framing = BodyFraming::content_length;
    if (bytes.size() - head_end < n) {
      if (eof) return malformed("connection closed before the Content-Length body ended");
      return {};
    }
    req.body = std::string(bytes.substr(head_end, static_cast<std::size_t>(n)));
    end = head_end + static_cast<std::size_t>(n);
  }
  req.begin = start;
  req.end = end;
  r.status = ReadStatus::complete;
  r.consumed = end;
  return r;
}

}  // namespace h1spec
