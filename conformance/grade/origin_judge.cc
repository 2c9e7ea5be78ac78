#include "grade/origin_judge.h"

#include "grade/quoted.h"
#include "wire/response_reader.h"

namespace h1spec {

namespace {

bool contains_icase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string requests_word(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " request" : " requests");
}

bool count_matches(const OriginAlternative& alt, std::size_t n, std::string& why) {
  if (alt.nothing_forwarded) {
    if (n == 0) return true;
    why = "nothing should be forwarded, " + requests_word(n) + " reached the origin";
    return false;
  }
  const bool at_most = alt.count_kind == OriginAlternative::Count::at_most;
  if (at_most ? n <= alt.count : n == alt.count) return true;
  why = requests_word(n) + " reached the origin, expected " + (at_most ? "at most " : "") +
        std::to_string(alt.count);
  return false;
}

bool header_matches(const HeaderCheck& h, const Request& r, std::string& why) {
  std::string value;
  const bool present = combined_field(r, h.name, value);
  switch (h.kind) {
    case HeaderCheck::Kind::absent:
      if (!present) return true;
      why = "header " + h.name + " should be absent, was " + quoted(value);
      return false;
    case HeaderCheck::Kind::present:
      if (present) return true;
      why = "header " + h.name + " should be present";
      return false;
    case HeaderCheck::Kind::equals:
      if (present && value == h.value) return true;
      why = present ? "header " + h.name + " is " + quoted(value) + ", expected " + quoted(h.value)
                    : "header " + h.name + " should be " + quoted(h.value) + ", was absent";
      return false;
    case HeaderCheck::Kind::contains:
      if (present && contains_icase(value, h.value)) return true;
      why = present ? "header " + h.name + " is " + quoted(value) + ", expected it to contain " +
                          quoted(h.value)
                    : "header " + h.name + " should contain " + quoted(h.value) + ", was absent";
      return false;
  }
  return false;
}

bool body_matches(const BodyCheck& b, const Request& r, std::string& why) {
  switch (b.kind) {
    case BodyCheck::Kind::exact:
      if (r.body == b.text) return true;
      why = "body is " + quoted(r.body) + ", expected " + quoted(b.text);
      return false;
    case BodyCheck::Kind::empty:
      if (r.body.empty()) return true;
      why = "body should be empty, was " + std::to_string(r.body.size()) + " bytes";
      return false;
    case BodyCheck::Kind::length:
      if (r.body.size() == b.length) return true;
      why = "body is " + std::to_string(r.body.size()) + " bytes, expected " +
            std::to_string(b.length);
      return false;
    default:  // the parser gives origin-expect no file checks
      return true;
  }
}

bool request_matches(const ExpectedRequest& want, const Request& got, std::string& why) {
  if (!want.method.empty() && got.method != want.method) {
    why = "method is " + quoted(got.method) + ", expected " + want.method;
    return false;
  }
  if (!want.target.empty() && got.target != want.target) {
    why = "target is " + quoted(got.target) + ", expected " + want.target;
    return false;
  }
  if (!want.version.empty() && got.version != want.version) {
    why = "version is " + quoted(got.version) + ", expected " + want.version;
    return false;
  }
  for (const HeaderCheck& h : want.headers) {
    if (!header_matches(h, got, why)) return false;
  }
  return body_matches(want.body, got, why);
}

// depth: how far the match got (0: the count; k: request k), to report the nearest miss.
bool alternative_matches(const OriginAlternative& alt, const std::vector<Request>& at_origin,
                         std::string& why, std::size_t& depth) {
  depth = 0;
  if (!count_matches(alt, at_origin.size(), why)) return false;
  for (std::size_t k = 0; k < alt.requests.size() && k < at_origin.size(); ++k) {
    depth = k + 1;
    std::string what;
    if (!request_matches(alt.requests[k], at_origin[k], what)) {
      why = "request " + std::to_string(k + 1) + ": " + what;
      return false;
    }
  }
  return true;
}

}  // namespace

bool combined_field(const Request& r, std::string_view name, std::string& value) {
  bool found = false;
  value.clear();
  for (const auto& [field, v] : r.fields) {
    if (!iequals(field, name)) continue;
    if (found) value += ", ";
    value += v;
    found = true;
  }
  return found;
}

Judgement judge_origin(const OriginExpect& expect, const std::vector<Request>& at_origin,
                       const std::vector<std::string>& unreadable) {
  if (!unreadable.empty()) {
    return {Verdict::fail,
            "the proxy forwarded bytes that are not a valid request (" + unreadable.front() + ")"};
  }
  std::string best_why;
  std::size_t best_depth = 0;
  bool have_why = false;
  const OriginAlternative* warned = nullptr;
  for (const OriginAlternative& alt : expect.alternatives) {
    std::string why;
    std::size_t depth = 0;
    if (alternative_matches(alt, at_origin, why, depth)) {
      if (!alt.warn) return {Verdict::pass, {}};
      if (warned == nullptr) warned = &alt;
    } else if (!have_why || depth > best_depth) {
      have_why = true;
      best_depth = depth;
      best_why = why;
    }
  }
  if (warned != nullptr) {
    return {Verdict::warn,
            warned->warn_reason.empty() ? "lenient forwarding" : warned->warn_reason};
  }
  return {Verdict::fail, have_why ? best_why : "no origin-expect alternative"};
}

}  // namespace h1spec
