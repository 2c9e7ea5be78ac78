#include "diff/fuzz_via_view.h"

#include "wire/request_reader.h"
#include "wire/response_reader.h"

namespace h1spec::fuzz {

namespace {

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The first double-quoted string of a reader error, trimmed of the whitespace the reader
// quotes with it ("Transfer-Encoding " in `whitespace between the field name and colon in
// "Transfer-Encoding "`).
std::string_view quoted_name(std::string_view error) {
  const std::size_t open = error.find('"');
  if (open == std::string_view::npos) return {};
  const std::size_t close = error.find('"', open + 1);
  if (close == std::string_view::npos) return {};
  std::string_view name = error.substr(open + 1, close - open - 1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

// Whether a quoted name or line holds "Content-Length" or "Transfer-Encoding" (any case).
bool names_framing_field(std::string_view name) {
  for (const std::string_view field : {"content-length", "transfer-encoding"}) {
    for (std::size_t i = 0; i + field.size() <= name.size(); ++i) {
      if (iequals(name.substr(i, field.size()), field)) return true;
    }
  }
  return false;
}

// Past the empty lines a server may skip before a request-line (RFC 9112 §2.2).
std::size_t skip_empty_lines(std::string_view bytes, std::size_t at) {
  while (at + 1 < bytes.size() && bytes[at] == '\r' && bytes[at + 1] == '\n') at += 2;
  return at;
}

// The message at the start of `bytes` with every Content-Length field line of its head
// removed; the head is known to be well formed (the reader got past it).
std::string without_content_length(std::string_view bytes) {
  const std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::string(bytes);
  std::string out;
  std::size_t at = 0;
  bool first = true;
  while (at < head_end + 2) {
    const std::size_t eol = bytes.find("\r\n", at);
    const std::string_view line = bytes.substr(at, eol + 2 - at);
    const std::size_t colon = line.find(':');
    if (first || colon == std::string_view::npos ||
        !iequals(line.substr(0, colon), "Content-Length")) {
      out += line;
    }
    first = false;
    at = eol + 2;
  }
  out += bytes.substr(head_end + 2);
  return out;
}

}  // namespace

std::string_view to_string(Ambiguity a) {
  switch (a) {
    case Ambiguity::none:
      return "none";
    case Ambiguity::cl_te:
      return "cl-te";
    case Ambiguity::te_http10:
      return "te-http10";
    case Ambiguity::bad_te:
      return "bad-te";
    case Ambiguity::bad_cl:
      return "bad-cl";
    case Ambiguity::bad_chunked:
      return "bad-chunked";
    case Ambiguity::hidden_framing:
      return "hidden-framing";
    case Ambiguity::incomplete_body:
      return "incomplete-body";
  }
  return "?";
}

// Keyed on the reader's messages (wire/request_reader.cc); fuzz_via_view_test.cc feeds the
// reader one request of each kind, so a reworded message fails a test instead of silently
// changing a class.
Ambiguity classify_rejection(std::string_view e) {
  if (e == "both Transfer-Encoding and Content-Length") return Ambiguity::cl_te;
  if (e == "Transfer-Encoding in an HTTP/1.0 request") return Ambiguity::te_http10;
  if (contains(e, "connection closed inside the chunked body") ||
      contains(e, "connection closed before the Content-Length body ended")) {
    return Ambiguity::incomplete_body;
  }
  if (contains(e, "trailer")) return Ambiguity::bad_chunked;
  // A field line the reader cannot take: framing only where the RFC leaves a proxy no choice
  // but to reject: whitespace between a Content-Length or Transfer-Encoding name and the
  // colon (RFC 9112 §5.1), or obs-fold continuing one (§5.2: unfolded, the value is invalid).
  // A line without a colon, a stray byte in a name (dropping such a line is common), or a
  // control byte in a value, is left to the proxy's leniency (§2.2, RFC 9110 §5.5).
  if (contains(e, "field line") || contains(e, "field name") || contains(e, "of field ") ||
      contains(e, "folding after field")) {
    const bool hides = e.starts_with("whitespace between the field name and colon") ||
                       e.starts_with("obsolete line folding after field");
    return hides && names_framing_field(quoted_name(e)) ? Ambiguity::hidden_framing
                                                        : Ambiguity::none;
  }
  if (contains(e, "Transfer-Encoding") || contains(e, "transfer-coding") ||
      contains(e, "chunked coding") || contains(e, "chunked applied")) {
    return Ambiguity::bad_te;
  }
  if (contains(e, "Content-Length")) return Ambiguity::bad_cl;
  if (contains(e, "chunk")) return Ambiguity::bad_chunked;
  return Ambiguity::none;
}

ClientView client_view(std::string_view bytes) {
  ClientView v;
  std::size_t at = 0;
  for (;;) {
    const std::string_view rest = bytes.substr(at);
    const RequestReadResult r = read_request(rest, true);
    if (r.status == ReadStatus::complete) {
      Request req = r.request;
      req.begin += at;
      req.end += at;
      v.requests.push_back(std::move(req));
      at += r.consumed;
      continue;
    }
    v.tail_begin = at;
    v.has_tail = r.status == ReadStatus::malformed;
    v.tail_error = r.error;
    break;
  }
  if (!v.has_tail) return v;
  v.ambiguity = classify_rejection(v.tail_error);
  const std::size_t start = skip_empty_lines(bytes, v.tail_begin);
  const std::string_view line = bytes.substr(start, bytes.find("\r\n", start) - start);
  const std::size_t sp1 = line.find(' ');
  if (sp1 != std::string_view::npos) {
    v.tail_method = std::string(line.substr(0, sp1));
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 != std::string_view::npos)
      v.tail_target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  }
  if (v.ambiguity == Ambiguity::cl_te) {
    const std::string te_only = without_content_length(bytes.substr(start));
    const RequestReadResult r = read_request(te_only, true);
    if (r.status == ReadStatus::complete) {
      v.te_reading = r.request;
    } else if (classify_rejection(r.error) == Ambiguity::te_http10) {
      v.ambiguity = Ambiguity::te_http10;
    }
  }
  return v;
}

}  // namespace h1spec::fuzz
