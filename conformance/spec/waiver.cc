#include "spec/waiver.h"

#include <ctime>

namespace h1spec {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}

  WaiverFile run(std::string_view text) {
    int n = 0;
    while (!text.empty()) {
      const std::size_t lf = text.find('\n');
      line(++n, trim(text.substr(0, lf)));
      text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    }
    finish_block(n);
    return std::move(out_);
  }

 private:
  void error(int n, const std::string& message) {
    out_.errors.push_back(std::string(file_) + ":" + std::to_string(n) + ": " + message);
  }

  void line(int n, std::string_view text) {
    if (text.empty()) return finish_block(n);
    if (text.front() == '#') return;
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return error(n, "expected \"key: value\"");
    const std::string_view key = trim(text.substr(0, colon));
    const std::string value(trim(text.substr(colon + 1)));
    if (!open_ && key != "case") return error(n, "a waiver starts with \"case: ID\"");
    if (key == "case") {
      if (open_) finish_block(n);
      open_ = true;
      current_ = Waiver{};
      current_.case_id = value;
      current_.line = n;
    } else if (key == "reason") {
      current_.reason = value;
    } else if (key == "link") {
      current_.link = value;
    } else if (key == "expires") {
      if (!valid_date(value)) return error(n, "expires must be a date YYYY-MM-DD");
      current_.expires = value;
    } else {
      error(n, "unknown key \"" + std::string(key) + "\" (case, reason, link, expires)");
    }
  }

  void finish_block(int n) {
    if (!open_) return;
    open_ = false;
    if (current_.case_id.empty()) return error(current_.line, "case: needs a case id");
    if (current_.reason.empty()) return error(n, current_.case_id + ": reason: is required");
    if (current_.expires.empty()) return error(n, current_.case_id + ": expires: is required");
    out_.waivers.push_back(current_);
  }

  std::string_view file_;
  WaiverFile out_;
  Waiver current_;
  bool open_ = false;
};

}  // namespace

WaiverFile parse_waivers(std::string_view text, std::string_view file_name) {
  return Parser(file_name).run(text);
}

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int year = std::stoi(std::string(d.substr(0, 4)));
  const int month = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace h1spec
