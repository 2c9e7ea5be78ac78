#include "wire/response_reader.h"

#include <charconv>
#include <cstdint>

namespace h1spec {

namespace {

constexpr std::size_t kMaxHead = 65'536;

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ReadResult malformed(std::string why) {
  ReadResult r;
  r.status = ReadStatus::malformed;
  r.error = std::move(why);
  return r;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ]
bool parse_status_line(std::string_view line, Response& r, std::string& why) {
  const auto digit = [&](std::size_t i) {
    return i < line.size() && line[i] >= '0' && line[i] <= '9';
  };
  const bool version_ok =
      line.substr(0, 5) == "HTTP/" && digit(5) && line.size() > 6 && line[6] == '.' && digit(7);
  if (!version_ok || line.size() < 12 || line[8] != ' ') {
    why = "malformed status line";
    return false;
  }
  if (line.size() == 12 || line[12] != ' ') {
    why = line.size() == 12 ? "status line without the SP before the reason phrase"
                            : "malformed status code";
    return false;
  }
  r.version = std::string(line.substr(0, 8));
  const auto [p, ec] = std::from_chars(line.data() + 9, line.data() + 12, r.status);
  if (ec != std::errc{} || p != line.data() + 12 || r.status < 100) {
    why = "malformed status code";
    return false;
  }
  r.reason = std::string(line.substr(13));
  for (char c : r.reason) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      why = "control character in the reason phrase";
      return false;
    }
  }
  return true;
}

bool parse_field(std::string_view line, Response& r, std::string& why) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    why = "obsolete line folding in a response field";
    return false;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    why = "response field line without a name and colon";
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  for (char c : name) {
    if (!is_tchar(c)) {
      why = "invalid byte in response field name \"" + std::string(name) + "\"";
      return false;
    }
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      why = "control character in response field " + std::string(name);
      return false;
    }
  }
  r.fields.emplace_back(name, value);
  return true;
}

// Finds CRLFCRLF; rejects a bare LF anywhere in the head.
bool find_head_end(std::string_view bytes, std::size_t& end, std::string& why) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != '\n') continue;
    if (i == 0 || bytes[i - 1] != '\r') {
      why = "bare LF in the response head";
      return false;
    }
    if (i >= 3 && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
      end = i + 1;
      return true;
    }
  }
  end = 0;
  return true;
}

bool parse_decimal(std::string_view s, std::uint64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty() && s.front() != '+';
}

// Decodes a chunked body starting at bytes[pos]; sets end past the trailers when complete.
ReadStatus decode_chunked(std::string_view bytes, std::size_t pos, std::string& body,
                          std::size_t& end, std::string& why) {
  for (;;) {
    const std::size_t eol = bytes.find("\r\n", pos);
    if (eol == std::string_view::npos) return ReadStatus::need_more;
    std::string_view size_text = bytes.substr(pos, eol - pos);
    size_text = size_text.substr(0, size_text.find(';'));
    std::uint64_t size = 0;
    const auto [p, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc{} || p != size_text.data() + size_text.size() || size_text.empty()) {
      why = "malformed chunk size in response";
      return ReadStatus::malformed;
    }
    pos = eol + 2;
    if (size == 0) break;
    if (bytes.size() < pos + size + 2) return ReadStatus::need_more;
    body.append(bytes.substr(pos, size));
    if (bytes.substr(pos + size, 2) != "\r\n") {
      why = "chunk data not followed by CRLF in response";
      return ReadStatus::malformed;
    }
    pos += size + 2;
  }
  for (;;) {  // trailer section
    const std::size_t eol = bytes.find("\r\n", pos);
    if (eol == std::string_view::npos) return ReadStatus::need_more;
    const bool empty = eol == pos;
    pos = eol + 2;
    if (empty) break;
  }
  end = pos;
  return ReadStatus::complete;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::vector<std::string_view> Response::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) out.emplace_back(v);
  }
  return out;
}

const std::string* Response::find(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) return &v;
  }
  return nullptr;
}

ReadResult read_response(std::string_view bytes, bool head_request, bool eof) {
  std::string why;
  std::size_t head_end = 0;
  if (!find_head_end(bytes.substr(0, kMaxHead), head_end, why)) return malformed(why);
  if (head_end == 0) {
    if (bytes.size() >= kMaxHead) return malformed("response head larger than 64 KiB");
    if (eof)
      return malformed(bytes.empty() ? "no response" : "connection closed inside a response head");
    return {};
  }
  ReadResult r;
  Response& resp = r.response;
  std::string_view head = bytes.substr(0, head_end - 4);
  const std::size_t first_eol = head.find("\r\n");
  if (!parse_status_line(head.substr(0, first_eol), resp, why)) return malformed(why);
  std::size_t pos = first_eol == std::string_view::npos ? head.size() : first_eol + 2;
  while (pos < head.size()) {
    std::size_t eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    if (!parse_field(head.substr(pos, eol - pos), resp, why)) return malformed(why);
    pos = eol + 2;
  }
  const bool bodiless = head_request || resp.interim() || resp.status == 204 || resp.status == 304;
  const auto te = resp.all("Transfer-Encoding");
  const auto cl = resp.all("Content-Length");
  std::size_t end = head_end;
  if (bodiless) {
    resp.framing = Framing::none;
  } else if (!te.empty()) {
    if (!iequals(te.back(), "chunked"))
      return malformed("response Transfer-Encoding is not chunked");
    resp.framing = Framing::chunked;
    const ReadStatus s = decode_chunked(bytes, head_end, resp.body, end, why);
    if (s == ReadStatus::malformed) return malformed(why);
    if (s == ReadStatus::need_more) {
      return eof ? malformed("connection closed inside a chunked response body") : ReadResult{};
    }
  } else if (!cl.empty()) {
    std::uint64_t n = 0;
    for (std::string_view v : cl) {
      std::uint64_t m = 0;
      if (!parse_decimal(v, m) || (n != 0 && m != n))
        return malformed("invalid response Content-Length");
      n = m;
    }
    resp.framing = Framing::content_length;
    if (bytes.size() - head_end < n) {
      return eof ? malformed("connection closed before the Content-Length body ended")
                 : ReadResult{};
    }
    resp.body = std::string(bytes.substr(head_end, n));
    end = head_end + static_cast<std::size_t>(n);
  } else {
    resp.framing = Framing::until_close;
    if (!eof) return {};
    resp.body = std::string(bytes.substr(head_end));
    end = bytes.size();
  }
  resp.begin = 0;
  resp.end = end;
  r.status = ReadStatus::complete;
  r.consumed = end;
  return r;
}

}  // namespace h1spec
