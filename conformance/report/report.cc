#include "report/report.h"

namespace h1spec {

RunSummary summarise(const std::vector<CaseResult>& results, double seconds) {
  RunSummary s;
  s.seconds = seconds;
  for (const CaseResult& r : results) {
    s.smuggled += r.smuggling == SmugglingVerdict::smuggled ? 1 : 0;
    s.desync += r.smuggling == SmugglingVerdict::desync ? 1 : 0;
    switch (r.verdict) {
      case Verdict::pass:
        ++s.passed;
        break;
      case Verdict::warn:
        ++s.warned;
        break;
      case Verdict::not_applicable:
        ++s.not_applicable;
        break;
      case Verdict::error:
        ++s.errors;
        break;
      case Verdict::waived:
        ++s.waived;
        break;
      case Verdict::fail:
        ++s.failed;
        if (r.test->level == Level::must || r.danger()) {
          ++s.must_failed;
        } else if (r.test->level == Level::should) {
          ++s.should_failed;
        }
        break;
    }
  }
  return s;
}

std::string escape_markup(std::string_view text, bool xml) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'' && xml)
      out += "&apos;";
    else if (xml && u < 0x20 && c != '\n' && c != '\t')
      out += '?';
    else
      out += c;
  }
  return out;
}

std::string printable(std::string_view bytes, std::size_t max) {
  std::string out;
  const bool cut = bytes.size() > max;
  const std::string_view head = cut ? bytes.substr(0, max / 2) : bytes;
  auto put = [&out](std::string_view part) {
    static const char* hex = "0123456789abcdef";
    for (char c : part) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '\r')
        out += "\\r";
      else if (c == '\n')
        out += "\\n\n";
      else if (c == '\t')
        out += "\\t";
      else if (c == '\\')
        out += "\\\\";
      else if (u < 0x20 || u >= 0x7f) {
        out += "\\x";
        out += hex[u >> 4];
        out += hex[u & 15];
      } else
        out += c;
    }
  };
  put(head);
  if (cut) {
    out += "\n[... " + std::to_string(bytes.size() - max) + " bytes not shown ...]\n";
    put(bytes.substr(bytes.size() - max / 2));
  }
  return out;
}

}  // namespace h1spec
