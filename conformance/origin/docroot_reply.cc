#include "origin/docroot_reply.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace h1spec::origin {

namespace {

std::string text_reply(std::string_view status, std::string_view body, bool head) {
  std::string r = "HTTP/1.1 " + std::string(status) +
                  "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\n\r\n";
  if (!head) r += body;
  return r;
}

// The file path under root for an origin-form target, or "" when the target may not name one.
std::string safe_path(std::string_view target) {
  const std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (path.empty() || path.front() != '/') return {};
  if (path.find_first_of(std::string_view("\\%\0", 3)) != std::string_view::npos) return {};
  for (std::size_t i = 0; i <= path.size();) {
    const std::size_t next = std::min(path.find('/', i), path.size());
    const std::string_view segment = path.substr(i, next - i);
    if (segment == "..") return {};
    i = next + 1;
  }
  if (path.back() == '/') return std::string(path) + "index.html";
  return std::string(path);
}

const char* content_type(std::string_view path) {
  if (path.ends_with(".html")) return "text/html";
  if (path.ends_with(".css")) return "text/css";
  if (path.ends_with(".js")) return "text/javascript";
  if (path.ends_with(".json")) return "application/json";
  if (path.ends_with(".txt")) return "text/plain";
  return "application/octet-stream";
}

}  // namespace

std::string docroot_reply(const std::string& root, const Request& request) {
  const bool head = request.method == "HEAD";
  if (!head && request.method != "GET") {
    return text_reply("405 Method Not Allowed", "method not allowed\n", false);
  }
  const std::string path = safe_path(request.target);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(root + path, ec)) {
    return text_reply("404 Not Found", "not found\n", head);
  }
  std::ifstream in(root + path, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in) return text_reply("404 Not Found", "not found\n", head);
  const std::string bytes = body.str();
  std::string r = "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(content_type(path)) +
                  "\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n";
  if (!head) r += bytes;
  return r;
}

}  // namespace h1spec::origin
