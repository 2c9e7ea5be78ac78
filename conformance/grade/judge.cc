#include "grade/judge.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "grade/quoted.h"

namespace h1spec {

namespace {

constexpr const char* kCanaryPath = "index.html";

bool contains_icase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string hex_byte(char c) {
  static const char* hex = "0123456789abcdef";
  const auto u = static_cast<unsigned char>(c);
  const char text[] = {'0', 'x', hex[u >> 4], hex[u & 15]};
  return {text, sizeof text};
}

// Where got first departs from want: " at byte N: 0xGG, expected 0xWW", or where it stops
// short or runs on.
std::string first_difference(std::string_view got, std::string_view want) {
  const std::size_t n = std::min(got.size(), want.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      return " at byte " + std::to_string(i) + ": " + hex_byte(got[i]) + ", expected " +
             hex_byte(want[i]);
    }
  }
  return got.size() < want.size() ? ": it stops at byte " + std::to_string(got.size())
                                  : ": it runs on past byte " + std::to_string(want.size());
}

bool header_matches(const HeaderCheck& h, const Response& r, std::string& why) {
  const std::string* value = r.find(h.name);
  switch (h.kind) {
    case HeaderCheck::Kind::absent:
      if (value == nullptr) return true;
      why = "unexpected field " + h.name + ": " + *value;
      return false;
    case HeaderCheck::Kind::present:
      if (value != nullptr) return true;
      why = "missing field " + h.name;
      return false;
    case HeaderCheck::Kind::equals:
      if (value != nullptr && *value == h.value) return true;
      why = value == nullptr ? "missing field " + h.name
                             : h.name + " is " + quoted(*value) + ", expected " + quoted(h.value);
      return false;
    case HeaderCheck::Kind::contains:
      if (value != nullptr && contains_icase(*value, h.value)) return true;
      why = value == nullptr
                ? "missing field " + h.name
                : h.name + " is " + quoted(*value) + ", expected it to contain " + quoted(h.value);
      return false;
  }
  return false;
}

bool body_matches(const BodyCheck& b, const Response& r, ExpectedFiles& files, std::string& why) {
  switch (b.kind) {
    case BodyCheck::Kind::unchecked:
      return true;
    case BodyCheck::Kind::empty:
      if (r.body.empty()) return true;
      why = "expected an empty body, got " + std::to_string(r.body.size()) + " bytes";
      return false;
    case BodyCheck::Kind::length:
      if (r.body.size() == b.length) return true;
      why = "body is " + std::to_string(r.body.size()) + " bytes, expected " +
            std::to_string(b.length);
      return false;
    case BodyCheck::Kind::exact:
      if (r.body == b.text) return true;
      why = "body is " + quoted(r.body) + ", expected " + quoted(b.text);
      return false;
    case BodyCheck::Kind::file:
    case BodyCheck::Kind::file_range: {
      const std::optional<std::string> file = files.get(b.text);
      if (!file) {
        why = "cannot read expected file " + b.text + " under --docroot";
        return false;
      }
      std::string_view want = *file;
      if (b.kind == BodyCheck::Kind::file_range) {
        if (b.last >= want.size()) {
          why = "expected range beyond the file " + b.text;
          return false;
        }
        want = want.substr(b.first, b.last - b.first + 1);
      }
      if (r.body == want) return true;
      why = "body (" + std::to_string(r.body.size()) + " bytes) differs from " + b.text +
            (b.kind == BodyCheck::Kind::file_range
                 ? " bytes " + std::to_string(b.first) + "-" + std::to_string(b.last)
                 : "") +
            " (" + std::to_string(want.size()) + " bytes)" + first_difference(r.body, want);
      return false;
    }
  }
  return false;
}

// stage: how far r got before it failed: 1 version or status, 2 a field, 3 the body.
bool response_matches(const ExpectedResponse& e, const Response& r, ExpectedFiles& files,
                      std::string& why, int& stage) {
  stage = 1;
  if (!e.version.empty() && r.version != e.version) {
    why = "response version " + r.version + ", expected " + e.version;
    return false;
  }
  if (e.status && !e.status->matches(r.status)) {
    why = "status " + std::to_string(r.status) + ", expected " + e.status->describe();
    return false;
  }
  stage = 2;
  for (const HeaderCheck& h : e.headers) {
    if (!header_matches(h, r, why)) return false;
  }
  stage = 3;
  return body_matches(e.body, r, files, why);
}

constexpr int kStagesPerResponse = 4;
constexpr int kConnectionDepth = 1 << 20;  // past every response

// As responses_match, and depth says how far the responses got: the alternative that got
// furthest is the one whose mismatch explains a FAIL.
bool responses_match_at(const Alternative& alt, const std::vector<Response>& responses,
                        ExpectedFiles& files, std::string& why, int& depth) {
  for (std::size_t i = 0; i < alt.responses.size(); ++i) {
    depth = static_cast<int>(i) * kStagesPerResponse;
    if (i >= responses.size()) {
      why = "expected " + std::to_string(alt.responses.size()) + " response(s), got " +
            std::to_string(responses.size());
      return false;
    }
    int stage = 0;
    if (!response_matches(alt.responses[i], responses[i], files, why, stage)) {
      depth += stage;
      if (alt.responses.size() > 1) why.insert(0, "response " + std::to_string(i + 1) + ": ");
      return false;
    }
  }
  return true;
}

bool wants_interim(const Alternative& alt) {
  for (const ExpectedResponse& e : alt.responses) {
    if (e.status && e.status->matches(100)) return true;
  }
  return false;
}

// Connection statements of alt against what the runner saw.
bool connection_matches(const Alternative& alt, const Observation& obs, std::size_t extra,
                        std::string& why) {
  if (alt.connection != ConnectionExpect::unchecked && extra > 0) {
    why = std::to_string(extra) + " unexpected response(s) after the expected ones";
    return false;
  }
  if (alt.connection != ConnectionExpect::unchecked && obs.trailing_bytes > 0) {
    why = std::to_string(obs.trailing_bytes) + " unexpected bytes after the responses";
    return false;
  }
  if (alt.connection == ConnectionExpect::closed && !obs.closed) {
    why = "the connection stayed open; expected the server to close it";
    return false;
  }
  if (alt.connection == ConnectionExpect::open && obs.canary_ok != true) {
    why = obs.closed ? "the server closed the connection; expected it to stay open"
                     : "canary on the same connection failed: " + obs.canary_detail;
    return false;
  }

  if (alt.server_alive && obs.alive_ok != true) {
    why = "a new connection afterwards failed: " + obs.alive_detail;
    return false;
  }
  return true;
}

bool alternative_matches(const Alternative& alt, const Observation& obs, ExpectedFiles& files,
                         std::string& why, int& depth) {
  depth = 0;
  std::vector<Response> finals;
  for (const Response& r : obs.responses) {
    if (!r.interim() || wants_interim(alt)) finals.push_back(r);
  }
  if (alt.cut_response) {
    // A relay that streamed the head before the body broke can only close (RFC 9112 §6.3).
    if (finals.empty() && obs.cut_response && obs.closed) return true;
    why = !finals.empty()
              ? "expected a response cut short, got status " + std::to_string(finals.front().status)
          : obs.closed ? "expected a response head cut short by the close"
                       : "the connection stayed open; expected a response cut short by a close";
    return false;
  }
  if (alt.no_response) {
    if (!finals.empty()) {
      why = "expected no response, got status " + std::to_string(finals.front().status);
      return false;
    }
  } else if (!responses_match_at(alt, finals, files, why, depth)) {
    if (finals.size() < alt.responses.size() && !obs.read_error.empty())
      why += " (" + obs.read_error + ")";
    return false;
  }
  const std::size_t extra = alt.no_response ? 0 : finals.size() - alt.responses.size();
  depth = kConnectionDepth;
  return connection_matches(alt, obs, extra, why);
}

// What the server did, in a few words: "got 400 200, then a close".
std::string describe_observation(const Observation& obs) {
  std::string out = "got";
  for (const Response& r : obs.responses) out += " " + std::to_string(r.status);
  if (obs.responses.empty()) out += " no response";
  if (!obs.read_error.empty()) {
    out += ", then " + obs.read_error;
  } else if (obs.closed) {
    out += ", then a close";
  } else if (obs.closed_checked) {
    out += ", then the connection stayed open";
  }
  return out;
}

}  // namespace

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "PASS";
    case Verdict::warn:
      return "WARN";
    case Verdict::fail:
      return "FAIL";
    case Verdict::not_applicable:
      return "N/A";
    case Verdict::error:
      return "ERROR";
    case Verdict::waived:
      return "WAIVED";
  }
  return "?";
}

std::optional<std::string> ExpectedFiles::get(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(path);
  if (it != cache_.end()) return it->second;
  std::optional<std::string> content;
  if (path.find("..") == std::string::npos) {
    std::ifstream in(root_ + "/" + path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      content = ss.str();
    }
  }
  cache_.emplace(path, content);
  return content;
}

bool responses_match(const Alternative& alt, const std::vector<Response>& responses,
                     ExpectedFiles& files, std::string& why) {
  int depth = 0;
  return responses_match_at(alt, responses, files, why, depth);
}

Judgement judge(const Case& c, const Observation& obs, ExpectedFiles& files, Profile profile) {
  std::string first_why;
  int best_depth = -1;
  bool warned = false;
  std::string warn_reason;
  for (const Alternative& alt : c.alternatives) {
    std::string why;
    int depth = 0;
    if (alternative_matches(alt, obs, files, why, depth)) {
      if (!alt.warn || profile == Profile::lenient) return {Verdict::pass, {}};
      if (!warned) warn_reason = alt.warn_reason.empty() ? "lenient behaviour" : alt.warn_reason;
      warned = true;
    } else if (depth > best_depth) {
      best_depth = depth;
      first_why = why;
    }
  }
  if (c.alternatives.size() > 1 && !first_why.empty()) {
    first_why += " (" + describe_observation(obs) + ")";
  }
  if (warned) return {Verdict::warn, warn_reason};
  if (c.level == Level::may) return {Verdict::warn, "MAY: " + first_why};
  if (c.level == Level::should && profile == Profile::lenient) {
    return {Verdict::warn, "SHOULD: " + first_why};
  }
  return {Verdict::fail, first_why};
}

std::string canary_request(std::string_view host) {
  return "GET /index.html HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n";
}

bool canary_matches(const Response& r, ExpectedFiles& files, std::string& why) {
  if (r.status != 200) {
    why = "canary got status " + std::to_string(r.status);
    return false;
  }
  const std::optional<std::string> want = files.get(kCanaryPath);
  if (!want) {
    why = "cannot read index.html under --docroot";
    return false;
  }
  if (r.body != *want) {
    why = "canary body differs from index.html";
    return false;
  }
  return true;
}

}  // namespace h1spec
