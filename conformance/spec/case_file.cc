#include "spec/case_file.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace h1spec {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

bool is_case_id(std::string_view id) {
  if (id.empty() || !std::isupper(static_cast<unsigned char>(id.front()))) return false;
  bool dash = false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c == '-') {
      if (i + 1 == id.size() || id[i + 1] == '-') return false;
      dash = true;
    } else if (!std::isupper(c) && !std::isdigit(c)) {
      return false;
    }
  }
  return dash;
}

bool parse_int(std::string_view s, int& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

bool parse_u64(std::string_view s, std::uint64_t& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty();
}

// Splits "a=b c=\"d e\"" into pairs; false on a malformed pair.
bool split_meta(std::string_view s, std::vector<std::pair<std::string, std::string>>& out) {
  while (true) {
    s = trim(s);
    if (s.empty()) return true;
    const std::size_t eq = s.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    std::string key(s.substr(0, eq));
    s.remove_prefix(eq + 1);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      const std::size_t close = s.find('"', 1);
      if (close == std::string_view::npos) return false;
      value = std::string(s.substr(1, close - 1));
      s.remove_prefix(close + 1);
    } else {
      const std::size_t sp = s.find(' ');
      value = std::string(s.substr(0, sp));
      s.remove_prefix(sp == std::string_view::npos ? s.size() : sp);
    }
    out.emplace_back(std::move(key), std::move(value));
  }
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  while (true) {
    s = trim(s);
    if (s.empty()) return words;
    const std::size_t sp = s.find_first_of(" \t");
    words.emplace_back(s.substr(0, sp));
    s.remove_prefix(sp == std::string_view::npos ? s.size() : sp);
  }
}

}  // namespace

std::string_view to_string(Level level) {
  switch (level) {
    case Level::must:
      return "MUST";
    case Level::should:
      return "SHOULD";
    case Level::may:
      return "MAY";
  }
  return "?";
}

bool StatusSet::matches(int status) const {
  if (std::find(codes.begin(), codes.end(), status) != codes.end()) return true;
  return std::find(classes.begin(), classes.end(), status / 100) != classes.end();
}

std::string StatusSet::describe() const {
  std::string s;
  for (int c : codes) s += (s.empty() ? "" : " or ") + std::to_string(c);
  for (int c : classes) s += (s.empty() ? "" : " or ") + std::to_string(c) + "xx";
  return s;
}

std::string_view to_string(Capability c) {
  switch (c) {
    case Capability::range:
      return "range";
    case Capability::options:
      return "options";
    case Capability::validators:
      return "validators";
  }
  return "?";
}

bool parse_capability(std::string_view text, Capability& out) {
  for (const Capability c : {Capability::range, Capability::options, Capability::validators}) {
    if (text == to_string(c)) {
      out = c;
      return true;
    }
  }
  return false;
}

bool Case::has_tag(std::string_view tag) const {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

bool parse_header_check(std::string_view verb, std::string_view line, HeaderCheck& out,
                        std::string& error) {
  std::string_view rest = trim(line.substr(verb.size()));
  if (rest.empty()) {
    error = std::string(verb) + " needs a field name";
    return false;
  }
  const std::size_t colon = rest.find(':');
  const std::size_t tilde = rest.find(" ~ ");
  HeaderCheck h;
  if (verb == "no-header") {
    h.kind = HeaderCheck::Kind::absent;
    h.name = std::string(rest);
  } else if (tilde != std::string_view::npos &&
             (colon == std::string_view::npos || tilde < colon)) {
    h.kind = HeaderCheck::Kind::contains;
    h.name = std::string(trim(rest.substr(0, tilde)));
    h.value = std::string(trim(rest.substr(tilde + 3)));
  } else if (colon != std::string_view::npos) {
    h.kind = HeaderCheck::Kind::equals;
    h.name = std::string(trim(rest.substr(0, colon)));
    h.value = std::string(trim(rest.substr(colon + 1)));
  } else {
    h.name = std::string(rest);
  }
  if (h.name.empty() || h.name.find_first_of(" \t") != std::string::npos) {
    error = "bad field name in \"" + std::string(line) + "\"";
    return false;
  }
  out = std::move(h);
  return true;
}

std::string CaseFileError::describe() const {
  return file + ":" + std::to_string(line) + ": " + message;
}

namespace {

// Builds cases from lines; one instance per file.
class Parser {
 public:
  Parser(std::string_view file) : file_(file) {}

  CaseFile run(const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) line(static_cast<int>(i + 1), lines[i]);
    if (in_fence_) error(fence_line_, "unterminated ``` block");
    finish_case();
    if (out_.topic.empty()) error(1, "no \"# \" topic line");
    return std::move(out_);
  }

 private:
  void error(int line, std::string message) {
    out_.errors.push_back({std::string(file_), line, std::move(message)});
  }

  void line(int n, const std::string& text) {
    if (in_fence_) {
      if (starts_with(text, "```")) {
        close_fence(n);
      } else {
        fence_.push_back(text);
      }
      return;
    }
    if (starts_with(text, "```")) return open_fence(n, trim(std::string_view(text).substr(3)));
    if (starts_with(text, "### ")) return start_case(n, std::string_view(text).substr(4));
    if (starts_with(text, "# ")) return set_topic(n, trim(std::string_view(text).substr(2)));
    if (!current_) return;
    if (starts_with(text, "meta:")) return meta(n, std::string_view(text).substr(5));
    if (starts_with(text, "> RFC ") && current_->rfc.empty()) return quote(n, text);
    if (!trim(text).empty() && !starts_with(text, ">")) {
      if (!current_->prose.empty()) current_->prose += ' ';
      current_->prose += trim(text);
    }
  }

  void set_topic(int n, std::string_view title) {
    if (!out_.topic.empty()) error(n, "a second \"# \" topic line");
    out_.topic = std::string(title);
  }

  void start_case(int n, std::string_view heading) {
    finish_case();
    current_.emplace();
    current_->file = std::string(file_);
    current_->line = n;
    current_->topic = out_.topic;
    const std::size_t colon = heading.find(':');
    current_->id = std::string(trim(heading.substr(0, colon)));
    if (colon != std::string_view::npos)
      current_->title = std::string(trim(heading.substr(colon + 1)));
    if (!is_case_id(current_->id)) {
      error(n, "bad case id \"" + current_->id + "\" (want e.g. RL-BARE-LF)");
    }
    if (current_->title.empty()) error(n, "case heading needs \"ID: title\"");
    has_meta_ = false;
    has_expect_ = false;
  }

  void quote(int n, std::string_view text) {
    // > RFC 9112 §5.1: "sentence"
    const std::string_view body = text.substr(2);
    const std::size_t colon = body.find(": ");
    const std::size_t open = body.find('"');
    const std::size_t close = body.rfind('"');
    if (colon == std::string_view::npos || open == std::string_view::npos || close <= open ||
        body.find("§") == std::string_view::npos) {
      error(n, "RFC line must read > RFC NNNN §S: \"sentence\"");
      return;
    }
    current_->rfc = std::string(trim(body.substr(0, colon)));
    current_->quote = std::string(body.substr(open + 1, close - open - 1));
  }

  void meta(int n, std::string_view text) {
    if (has_meta_) error(n, "a second meta: line");
    has_meta_ = true;
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!split_meta(text, pairs)) return error(n, "meta: expects key=value pairs");
    bool has_level = false;
    for (const auto& [key, value] : pairs) {
      if (key == "level") {
        has_level = true;
        if (value == "MUST")
          current_->level = Level::must;
        else if (value == "SHOULD")
          current_->level = Level::should;
        else if (value == "MAY")
          current_->level = Level::may;
        else
          error(n, "level must be MUST, SHOULD or MAY");
      } else if (key == "tags") {
        std::string_view v = value;
        while (!v.empty()) {
          const std::size_t comma = v.find(',');
          const std::string_view tag = trim(v.substr(0, comma));
          if (!tag.empty()) current_->tags.emplace_back(tag);
          v.remove_prefix(comma == std::string_view::npos ? v.size() : comma + 1);
        }
      } else if (key == "transport") {
        if (value == "raw")
          current_->transport = Transport::raw;
        else if (value == "client")
          current_->transport = Transport::client;
        else
          error(n, "transport must be raw or client");
      } else if (key == "split") {
        if (value != "yes" && value != "no") error(n, "split must be yes or no");
        current_->split = value == "yes";
      } else if (key == "why-no-split") {
        current_->why_no_split = value;
      } else if (key == "close") {
        if (value == "none")
          current_->close = CloseAction::none;
        else if (value == "after-send")
          current_->close = CloseAction::after_send;
        else if (value == "mid-request")
          current_->close = CloseAction::mid_request;
        else if (value == "mid-response")
          current_->close = CloseAction::mid_response;
        else
          error(n, "close must be none, after-send, mid-request or mid-response");
      } else if (key == "needs") {
        std::string_view v = value;
        while (!v.empty()) {
          const std::size_t comma = v.find(',');
          const std::string_view name = trim(v.substr(0, comma));
          Capability cap{};
          if (!parse_capability(name, cap)) {
            error(n, "needs: unknown capability \"" + std::string(name) +
                         "\" (known: range, options, validators)");
          } else {
            current_->needs.push_back(cap);
          }
          v.remove_prefix(comma == std::string_view::npos ? v.size() : comma + 1);
        }
      } else if (key == "timeout") {
        if (!parse_int(value, current_->timeout_ms) || current_->timeout_ms <= 0) {
          error(n, "timeout must be a positive number of milliseconds");
        }
      } else {
        error(n, "unknown meta key \"" + key + "\"");
      }
    }
    if (!has_level) error(n, "meta: needs level=MUST|SHOULD|MAY");
  }

  void open_fence(int n, std::string_view info) {
    in_fence_ = true;
    fence_line_ = n;
    fence_info_ = std::string(info);
    fence_.clear();
  }

  void close_fence(int n) {
    in_fence_ = false;
    if (!current_) return;
    if (fence_info_ == "http") {
      if (has_expect_) error(fence_line_, "```http block after the ```expect block");
      std::string bytes, err;
      std::size_t bad = 0;
      if (!decode_bytes(fence_, bytes, err, &bad)) {
        error(fence_line_ + 1 + static_cast<int>(bad), "in ```http block: " + err);
      }
      current_->sends.push_back(std::move(bytes));
    } else if (fence_info_ == "expect") {
      if (has_expect_) error(fence_line_, "a second ```expect block");
      has_expect_ = true;
      expect_block(fence_line_ + 1);
    } else if (fence_info_ == "origin-reply" || starts_with(fence_info_, "origin-reply ")) {
      current_->origin_replies.push_back(parse_origin_reply(
          std::string_view(fence_info_).substr(12), fence_, fence_line_, file_, out_.errors));
    } else if (fence_info_ == "origin-expect") {
      if (current_->origin_expect) error(fence_line_, "a second ```origin-expect block");
      current_->origin_expect = parse_origin_expect(fence_, fence_line_, file_, out_.errors);
    } else if (starts_with(fence_info_, "origin")) {
      // A misspelt origin block would otherwise pass for prose and check nothing.
      error(fence_line_, "unknown block ```" + fence_info_ +
                             " (known: origin-reply, origin-reply close, origin-expect)");
    }
    (void)n;
  }

  void expect_block(int first_line);
  bool expect_statement(int n, const std::vector<std::string>& w, std::string_view line,
                        Alternative& alt);
  bool body_statement(int n, const std::vector<std::string>& w, std::string_view line,
                      ExpectedResponse& r);

  void finish_case() {
    if (!current_) return;
    Case& c = *current_;
    const int n = c.line;
    if (c.rfc.empty()) error(n, c.id + ": no \"> RFC NNNN §S: \\\"sentence\\\"\" line");
    if (!has_meta_) error(n, c.id + ": no meta: line");
    if (c.sends.empty()) error(n, c.id + ": no ```http block");
    if (!has_expect_) error(n, c.id + ": no ```expect block");
    if (!c.split && c.why_no_split.empty()) error(n, c.id + ": split=no needs why-no-split");
    std::string file_tag = c.file.substr(0, c.file.rfind('.'));
    if (!c.has_tag(file_tag)) c.tags.push_back(file_tag);
    // --tag proxy must find every case that needs an origin behind the target.
    if ((!c.origin_replies.empty() || c.origin_expect) && !c.has_tag("proxy")) {
      int at = c.origin_expect ? c.origin_expect->line : c.origin_replies.front().line;
      if (!c.origin_replies.empty()) at = std::min(at, c.origin_replies.front().line);
      error(at, c.id + ": an origin block needs tags=proxy in meta:");
    }
    for (const Case& other : out_.cases) {
      if (other.id == c.id) error(n, "duplicate case id " + c.id);
    }
    out_.cases.push_back(std::move(c));
    current_.reset();
  }

  std::string_view file_;
  CaseFile out_;
  std::optional<Case> current_;
  bool has_meta_ = false;
  bool has_expect_ = false;
  bool in_fence_ = false;
  int fence_line_ = 0;
  std::string fence_info_;
  std::vector<std::string> fence_;
};

void Parser::expect_block(int first_line) {
  Case& c = *current_;
  c.alternatives.emplace_back();
  c.alternatives.back().line = first_line;
  for (std::size_t i = 0; i < fence_.size(); ++i) {
    const int n = first_line + static_cast<int>(i);
    const std::string_view line = trim(fence_[i]);
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string> w = split_words(line);
    if (w[0] == "or") {
      Alternative alt;
      alt.line = n;
      if (w.size() > 1) {
        if (w[1] != "warn" && w[1] != "warn:") {
          error(n, R"(expected "or" or "or warn: reason")");
        }
        alt.warn = true;
        const std::size_t colon = line.find(':');
        alt.warn_reason =
            colon == std::string_view::npos ? "" : std::string(trim(line.substr(colon + 1)));
      }
      c.alternatives.push_back(std::move(alt));
      continue;
    }
    if (!expect_statement(n, w, line, c.alternatives.back())) return;
  }
  for (const Alternative& alt : c.alternatives) {
    if (alt.responses.empty() && !alt.no_response && !alt.cut_response &&
        alt.connection == ConnectionExpect::unchecked && !alt.server_alive) {
      error(alt.line, "an alternative that checks nothing");
    }
    if (alt.no_response && !alt.responses.empty()) {
      error(alt.line, "no-response together with expected responses");
    }
    if (alt.cut_response &&
        (alt.no_response || !alt.responses.empty() || alt.connection != ConnectionExpect::closed)) {
      error(alt.line, "cut-response stands alone with connection closed");
    }
  }
}

bool Parser::expect_statement(int n, const std::vector<std::string>& w, std::string_view line,
                              Alternative& alt) {
  const std::string& verb = w[0];
  auto current = [&]() -> ExpectedResponse& {
    if (alt.responses.empty()) alt.responses.emplace_back();
    return alt.responses.back();
  };
  if (verb == "response") {
    alt.responses.emplace_back();
    if (w.size() > 1 && w[1] != "HEAD") error(n, "response takes nothing or HEAD");
    alt.responses.back().head = w.size() > 1;
    return true;
  }
  if (verb == "status") {
    StatusSet set;
    for (std::size_t k = 1; k < w.size(); ++k) {
      int code = 0;
      if (w[k].size() == 3 && w[k].substr(1) == "xx" && w[k][0] >= '1' && w[k][0] <= '5') {
        set.classes.push_back(w[k][0] - '0');
      } else if (parse_int(w[k], code) && code >= 100 && code <= 999) {
        set.codes.push_back(code);
      } else {
        error(n, "bad status \"" + w[k] + "\"");
        return false;
      }
    }
    if (w.size() < 2) error(n, "status needs at least one code");
    current().status = std::move(set);
    return true;
  }
  if (verb == "header" || verb == "no-header") {
    HeaderCheck h;
    std::string err;
    if (!parse_header_check(verb, line, h, err)) {
      error(n, err);
      return false;
    }
    current().headers.push_back(std::move(h));
    return true;
  }
  if (verb == "version") {
    const std::string& v = w.size() == 2 ? w[1] : verb;
    if (v.size() != 8 || v.compare(0, 5, "HTTP/") != 0 ||
        !std::isdigit(static_cast<unsigned char>(v[5])) || v[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(v[7]))) {
      error(n, "version needs HTTP/D.D");
      return false;
    }
    current().version = v;
    return true;
  }
  if (verb == "no-response") {
    alt.no_response = true;
    return true;
  }
  if (verb == "cut-response") {
    alt.cut_response = true;
    return true;
  }
  if (verb == "connection") {
    if (w.size() != 2 || (w[1] != "open" && w[1] != "closed")) {
      error(n, "connection must be open or closed");
      return false;
    }
    alt.connection = w[1] == "open" ? ConnectionExpect::open : ConnectionExpect::closed;
    return true;
  }
  if (verb == "server") {
    if (w.size() != 2 || w[1] != "alive") {
      error(n, "expected \"server alive\"");
      return false;
    }
    alt.server_alive = true;
    return true;
  }
  if (starts_with(verb, "body")) return body_statement(n, w, line, current());
  error(n, "unknown expect statement \"" + verb + "\"");
  return false;
}

bool Parser::body_statement(int n, const std::vector<std::string>& w, std::string_view line,
                            ExpectedResponse& r) {
  const std::string& verb = w[0];
  BodyCheck& b = r.body;
  if (verb == "body-empty" && w.size() == 1) {
    b.kind = BodyCheck::Kind::empty;
    return true;
  }
  if (verb == "body-length" && w.size() == 2 && parse_u64(w[1], b.length)) {
    b.kind = BodyCheck::Kind::length;
    return true;
  }
  if (verb == "body-file") {
    // body-file PATH [BYTES A-B]; a PATH with spaces is double-quoted.
    std::string_view rest = trim(line.substr(9));
    std::string path;
    if (!rest.empty() && rest.front() == '"') {
      const std::size_t close = rest.find('"', 1);
      if (close != std::string_view::npos) path = std::string(rest.substr(1, close - 1));
      rest = close == std::string_view::npos ? std::string_view{} : trim(rest.substr(close + 1));
    } else {
      path = std::string(rest.substr(0, rest.find(' ')));
      rest = rest.find(' ') == std::string_view::npos ? std::string_view{}
                                                      : trim(rest.substr(rest.find(' ')));
    }
    const std::vector<std::string> range = split_words(rest);
    b.text = path;
    if (!path.empty() && range.empty()) {
      b.kind = BodyCheck::Kind::file;
      return true;
    }
    const std::size_t dash =
        range.size() == 2 && range[0] == "BYTES" ? range[1].find('-') : std::string::npos;
    if (!path.empty() && dash != std::string::npos &&
        parse_u64(std::string_view(range[1]).substr(0, dash), b.first) &&
        parse_u64(std::string_view(range[1]).substr(dash + 1), b.last) && b.first <= b.last) {
      b.kind = BodyCheck::Kind::file_range;
      return true;
    }
  }
  if (verb == "body") {
    const std::string_view rest = trim(line.substr(4));
    std::string err;
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"' &&
        decode_escapes(rest.substr(1, rest.size() - 2), b.text, err)) {
      b.kind = BodyCheck::Kind::exact;
      return true;
    }
    error(n, "body needs a quoted text" + (err.empty() ? "" : ": " + err));
    return false;
  }
  error(n, "bad body statement \"" + std::string(line) + "\"");
  return false;
}

}  // namespace

CaseFile parse_case_file(std::string_view text, std::string_view file_name) {
  Parser p(file_name);
  return p.run(split_lines(text));
}

}  // namespace h1spec
