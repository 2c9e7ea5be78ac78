// The grammar of ```origin-reply and ```origin-expect blocks (conformance/README.md,
// "Proxy cases").
#include "spec/case_origin.h"

#include <cctype>
#include <charconv>
#include <cstring>

#include "spec/case_file.h"

namespace h1spec {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
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

bool parse_size(std::string_view s, std::size_t& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty();
}

// token = 1*tchar (RFC 9110 §5.6.2), the syntax of a method.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
        std::strchr("!#$%&'*+-.^_`|~", c) == nullptr) {
      return false;
    }
  }
  return true;
}

bool is_version(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" &&
         std::isdigit(static_cast<unsigned char>(v[5])) != 0 && v[6] == '.' &&
         std::isdigit(static_cast<unsigned char>(v[7])) != 0;
}

class ExpectParser {
 public:
  ExpectParser(std::string_view file, std::vector<CaseFileError>& errors)
      : file_(file), errors_(errors) {}

  OriginExpect run(const std::vector<std::string>& lines, int fence_line) {
    out_.line = fence_line;
    start_alternative(fence_line + 1);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const int n = fence_line + 1 + static_cast<int>(i);
      const std::string_view line = trim(lines[i]);
      if (line.empty() || line.front() == '#') continue;
      if (!statement(n, line)) break;
    }
    for (std::size_t k = 0; k < out_.alternatives.size(); ++k) finish(out_.alternatives[k], k);
    return std::move(out_);
  }

 private:
  void error(int n, std::string message) {
    errors_.push_back({std::string(file_), n, std::move(message)});
  }

  void start_alternative(int n) {
    out_.alternatives.emplace_back();
    out_.alternatives.back().line = n;
    count_set_.push_back(false);
  }

  ExpectedRequest& current(int n) {
    OriginAlternative& alt = out_.alternatives.back();
    if (alt.requests.empty()) {
      alt.requests.emplace_back();
      alt.requests.back().line = n;
    }
    return alt.requests.back();
  }

  bool statement(int n, std::string_view line) {
    const std::vector<std::string> w = split_words(line);
    const std::string& verb = w[0];
    OriginAlternative& alt = out_.alternatives.back();
    if (verb == "or") {
      start_alternative(n);
      if (w.size() > 1) {
        if (w[1] != "warn" && w[1] != "warn:") {
          error(n, R"(expected "or" or "or warn: reason")");
          return false;
        }
        out_.alternatives.back().warn = true;
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
          out_.alternatives.back().warn_reason = std::string(trim(line.substr(colon + 1)));
        }
      }
      return true;
    }
    if (verb == "request") {
      if (w.size() > 3) {
        error(n, "request takes at most a method and a target");
        return false;
      }
      ExpectedRequest r;
      r.line = n;
      if (w.size() > 1) {
        if (!is_token(w[1])) {
          error(n, "bad method \"" + w[1] + "\"");
          return false;
        }
        r.method = w[1];
      }
      if (w.size() > 2) r.target = w[2];
      alt.requests.push_back(std::move(r));
      return true;
    }
    if (verb == "requests") {
      const bool at_most = w.size() == 4 && w[1] == "at" && w[2] == "most";
      std::size_t count = 0;
      if (!(w.size() == 2 || at_most) || !parse_size(w.back(), count)) {
        error(n, R"(expected "requests N" or "requests at most N")");
        return false;
      }
      if (count_set_.back()) {
        error(n, "a second requests line in one alternative");
        return false;
      }
      count_set_.back() = true;
      alt.count = count;
      alt.count_kind =
          at_most ? OriginAlternative::Count::at_most : OriginAlternative::Count::exactly;
      return true;
    }
    if (verb == "nothing") {
      if (w.size() != 2 || w[1] != "forwarded") {
        error(n, "expected \"nothing forwarded\"");
        return false;
      }
      alt.nothing_forwarded = true;
      return true;
    }
    if (verb == "header" || verb == "no-header") {
      HeaderCheck h;
      std::string err;
      if (!parse_header_check(verb, line, h, err)) {
        error(n, err);
        return false;
      }
      current(n).headers.push_back(std::move(h));
      return true;
    }
    if (verb == "version") {
      if (w.size() != 2 || !is_version(w[1])) {
        error(n, "version needs HTTP/D.D");
        return false;
      }
      current(n).version = w[1];
      return true;
    }
    if (verb == "body" || verb == "body-empty" || verb == "body-length") {
      return body(n, w, line, current(n).body);
    }
    error(n, "unknown origin-expect statement \"" + verb + "\"");
    return false;
  }

  bool body(int n, const std::vector<std::string>& w, std::string_view line, BodyCheck& b) {
    if (w[0] == "body-empty" && w.size() == 1) {
      b.kind = BodyCheck::Kind::empty;
      return true;
    }
    std::size_t length = 0;
    if (w[0] == "body-length" && w.size() == 2 && parse_size(w[1], length)) {
      b.kind = BodyCheck::Kind::length;
      b.length = length;
      return true;
    }
    if (w[0] == "body") {
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

  // Checks one alternative as a whole, and gives it its default count.
  void finish(OriginAlternative& alt, std::size_t index) {
    const std::size_t described = alt.requests.size();
    if (alt.nothing_forwarded) {
      if (described > 0 || count_set_[index]) {
        error(alt.line, "nothing forwarded together with expected requests");
      }
      alt.count = 0;
      return;
    }
    if (!count_set_[index]) {
      if (described == 0) {
        error(alt.line,
              "an alternative that checks nothing (write \"nothing forwarded\" for no request)");
      }
      alt.count = described;
      return;
    }
    if (alt.count < described) {
      error(alt.line,
            "requests " +
                std::string(alt.count_kind == OriginAlternative::Count::at_most ? "at most " : "") +
                std::to_string(alt.count) + ", but " + std::to_string(described) +
                " requests are described");
    }
  }

  std::string_view file_;
  std::vector<CaseFileError>& errors_;
  OriginExpect out_;
  std::vector<bool> count_set_;  ///< per alternative: a requests line was seen
};

}  // namespace

OriginReply parse_origin_reply(std::string_view args, const std::vector<std::string>& lines,
                               int fence_line, std::string_view file,
                               std::vector<CaseFileError>& errors) {
  OriginReply reply;
  reply.line = fence_line;
  const std::vector<std::string> w = split_words(args);
  if (w.size() > 1 || (w.size() == 1 && w[0] != "close")) {
    errors.push_back(
        {std::string(file), fence_line,
         R"(```origin-reply takes nothing or "close", not ")" + std::string(trim(args)) + "\""});
  }
  reply.close = w.size() == 1 && w[0] == "close";
  std::string err;
  std::size_t bad = 0;
  if (!decode_bytes(lines, reply.bytes, err, &bad)) {
    errors.push_back(
        {std::string(file), fence_line + 1 + static_cast<int>(bad), "in ```origin-reply: " + err});
  } else if (reply.bytes.empty() && !reply.close) {
    errors.push_back({std::string(file), fence_line,
                      "an empty ```origin-reply sends nothing: write ```origin-reply close to "
                      "close without a reply"});
  }
  return reply;
}

OriginExpect parse_origin_expect(const std::vector<std::string>& lines, int fence_line,
                                 std::string_view file, std::vector<CaseFileError>& errors) {
  return ExpectParser(file, errors).run(lines, fence_line);
}

}  // namespace h1spec
