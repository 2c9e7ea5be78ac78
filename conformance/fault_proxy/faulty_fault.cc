#include "faulty_fault.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <utility>

#include "faulty_head.h"
#include "faulty_net.h"

namespace h1spec::faulty {

namespace {

constexpr std::array<std::pair<std::string_view, Fault>, 10> kNames{{
    {"none", Fault::none},
    {"no-content-length", Fault::no_content_length},
    {"ignore-close", Fault::ignore_close},
    {"read-1024", Fault::read_1024},
    {"space-before-colon", Fault::space_before_colon},
    {"cl-te", Fault::cl_te},
    {"traversal", Fault::traversal},
    {"head-body", Fault::head_body},
    {"not-found-200", Fault::not_found_200},
    {"no-date", Fault::no_date},
}};

// Larger files are answered 404 so a stray target cannot make the tool read a disk image.
constexpr off_t kMaxServedFile = off_t{64} << 20;

using LinePredicate = std::function<bool(std::string_view content)>;

// The head without the field lines that `drop` selects; the first line always stays.
std::string drop_fields(std::string_view head, const LinePredicate& drop) {
  std::string out;
  out.reserve(head.size());
  const std::vector<std::string_view> lines = split_lines(head);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view content = line_content(lines[i]);
    if (i == 0 || content.empty() || !drop(content)) out += lines[i];
  }
  return out;
}

// A predicate for field lines with this name (case-insensitive).
LinePredicate named(std::string_view name) {
  return [name](std::string_view content) { return iequals(field_name(content), name); };
}

// True for a Connection field that carries the close option.
bool is_close_field(std::string_view content) {
  return iequals(field_name(content), "Connection") && has_token(field_value(content), "close");
}

// True when the head has a field line with this name.
bool has_field(std::string_view head, std::string_view name) {
  const std::vector<std::string_view> lines = split_lines(head);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (iequals(field_name(line_content(lines[i])), name)) return true;
  }
  return false;
}

// "Name :value" becomes "Name:value"; obs-fold lines (leading whitespace) are left alone.
std::string squeeze_before_colon(std::string_view head) {
  std::string out;
  out.reserve(head.size());
  const std::vector<std::string_view> lines = split_lines(head);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const std::size_t colon = line_content(line).find(':');
    if (i == 0 || colon == std::string_view::npos || colon == 0 || line[0] == ' ' ||
        line[0] == '\t') {
      out += line;
      continue;
    }
    std::size_t name_end = colon;
    while (name_end > 0 && (line[name_end - 1] == ' ' || line[name_end - 1] == '\t')) --name_end;
    out += line.substr(0, name_end);
    out += line.substr(colon);
  }
  return out;
}

// The head with a HEAD request line turned into GET; other methods are left alone.
std::string head_as_get(std::string_view head) {
  if (head.substr(0, 5) != "HEAD ") return std::string(head);
  return "GET " + std::string(head.substr(5));
}

// The 404 line swapped for "200 OK"; the line break of the original is kept.
std::string not_found_as_ok(std::string_view head) {
  if (response_status(head) != 404) return std::string(head);
  const std::vector<std::string_view> lines = split_lines(head);
  const std::string_view first = lines.front();
  std::string out = "HTTP/1.1 200 OK";
  out += first.substr(line_content(first).size());
  out += head.substr(first.size());
  return out;
}

// %XX becomes the byte; malformed escapes stay as they are, the way naive servers do it.
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The path of a request-target: no query or fragment, no scheme and authority.
std::string_view target_path(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  const std::size_t scheme = target.find("://");
  if (scheme != std::string_view::npos && target.substr(0, 1) != "/") {
    const std::size_t slash = target.find('/', scheme + 3);
    return slash == std::string_view::npos ? std::string_view{} : target.substr(slash);
  }
  return target;
}

// A segment that is ".." once "%2e" (any case) is read as '.'.
bool is_dot_dot(std::string_view segment) {
  std::string dots;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment.substr(i, 3) == "%2e" || segment.substr(i, 3) == "%2E") {
      dots += '.';
      i += 2;
    } else {
      dots += segment[i];
    }
  }
  return dots == "..";
}

// The naive server's whole 404 response.
std::string not_found() {
  return "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n"
         "not found\n";
}

// The whole file, or nullopt when it is not a readable regular file of sane size.
std::optional<std::string> read_file(const std::string& path) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size > kMaxServedFile) {
    return std::nullopt;
  }
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  return data;
}

}  // namespace

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& [n, f] : kNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

std::string fault_names() {
  std::string out;
  for (const auto& entry : kNames) {
    if (!out.empty()) out += ", ";
    out += entry.first;
  }
  return out;
}

bool holds_requests(Fault fault) {
  return fault == Fault::ignore_close || fault == Fault::space_before_colon ||
         fault == Fault::cl_te || fault == Fault::traversal || fault == Fault::head_body;
}

bool holds_responses(Fault fault) {
  return fault == Fault::no_content_length || fault == Fault::ignore_close ||
         fault == Fault::not_found_200 || fault == Fault::no_date;
}

std::string rewrite_request(Fault fault, std::string_view head) {
  switch (fault) {
    case Fault::ignore_close:
      return drop_fields(head, is_close_field);
    case Fault::space_before_colon:
      return squeeze_before_colon(head);
    case Fault::cl_te:
      if (!has_field(head, "Transfer-Encoding")) return std::string(head);
      return drop_fields(head, named("Content-Length"));
    case Fault::head_body:
      return head_as_get(head);
    default:
      return std::string(head);
  }
}

std::string rewrite_response(Fault fault, std::string_view head) {
  switch (fault) {
    case Fault::no_content_length:
      return drop_fields(head, named("Content-Length"));
    case Fault::ignore_close:
      return drop_fields(head, is_close_field);
    case Fault::not_found_200:
      return not_found_as_ok(head);
    case Fault::no_date:
      return drop_fields(head, named("Date"));
    default:
      return std::string(head);
  }
}

bool escapes_root(std::string_view target) {
  std::string_view path = target_path(target);
  if (path.find('\\') != std::string_view::npos) return true;
  if (path.find("%5c") != std::string_view::npos || path.find("%5C") != std::string_view::npos) {
    return true;
  }
  while (true) {
    const std::size_t slash = path.find('/');
    if (is_dot_dot(path.substr(0, slash))) return true;
    if (slash == std::string_view::npos) return false;
    path.remove_prefix(slash + 1);
  }
}

std::string serve_naively(const std::string& root, std::string_view target, bool head_only) {
  const std::optional<std::string> body = read_file(root + percent_decode(target_path(target)));
  if (!body) return not_found();
  std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ";
  out += std::to_string(body->size());
  out += "\r\n\r\n";
  if (!head_only) out += *body;
  return out;
}

}  // namespace h1spec::faulty
