#include "http/response_head.h"

#include <array>
#include <charconv>
#include <cstring>

#include "http/chars.h"

namespace h1::http {

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";  // RFC 9110 renamed "Payload Too Large"
    case 414:
      return "URI Too Long";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool is_field_value(std::string_view s) noexcept {
  for (const char c : s) {
    if (!is_field_value_char(c)) return false;
  }
  return true;
}

}  // namespace

// Room is checked before copying, so the span is never overrun; after the first failure nothing
// more is written, so the bytes before it are never followed by a line that skipped a gap.
void HeadWriter::append(std::string_view bytes) noexcept {
  if (failed_ || out_.size() - size_ < bytes.size()) {
    failed_ = true;
    return;
  }
  if (!bytes.empty()) std::memcpy(out_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void HeadWriter::status_line(int status) noexcept {
  if (status < 100 || status > 999) {
    failed_ = true;
    return;
  }
  std::array<char, 3> code{};
  std::to_chars(code.data(), code.data() + code.size(), status);
  append("HTTP/1.1 ");
  append({code.data(), code.size()});
  append(" ");
  append(reason_phrase(status));
  append("\r\n");
}

void HeadWriter::field(std::string_view name, std::string_view value) noexcept {
  if (!is_token(name) || !is_field_value(value)) {
    failed_ = true;
    return;
  }
  append(name);
  append(": ");
  append(value);
  append("\r\n");
}

void HeadWriter::field(std::string_view name, std::uint64_t value) noexcept {
  std::array<char, 20> digits{};  // UINT64_MAX has 20 decimal digits
  const auto r = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  field(name, std::string_view(digits.data(), static_cast<std::size_t>(r.ptr - digits.data())));
}

void HeadWriter::raw(std::string_view bytes) noexcept { append(bytes); }

std::size_t HeadWriter::finish() noexcept {
  append("\r\n");
  return failed_ ? 0 : size_;
}

}  // namespace h1::http
