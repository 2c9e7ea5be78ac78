// JUnit XML: one <testsuite> per target, one <testcase> per case; FAIL is <failure>,
// a harness fault is <error>, N/A is <skipped>.
#include <cstdio>
#include <fstream>

#include "report/report.h"

namespace h1spec {

namespace {

std::string xml_escape(std::string_view s) { return escape_markup(s, true); }

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

void write_case(std::ostream& out, const CaseResult& r) {
  const Case& c = *r.test;
  out << "    <testcase name=\"" << xml_escape(c.id + ": " + c.title) << "\" classname=\"h1spec."
      << xml_escape(c.file.substr(0, c.file.rfind('.'))) << "\" time=\"" << seconds(r.seconds)
      << "\">\n";
  const std::string detail =
      c.rfc + ": \"" + c.quote + "\"\nlevel: " + std::string(to_string(c.level)) + "\n" + r.reason;
  if (r.verdict == Verdict::fail) {
    // SMUGGLED and DESYNC are named in the type too, so a CI view that shows types flags them.
    out << "      <failure type=\"" << (r.danger() ? to_string(r.smuggling) : to_string(c.level))
        << "\" message=\"" << xml_escape(r.reason) << "\">" << xml_escape(detail) << "</failure>\n";
  } else if (r.verdict == Verdict::error) {
    out << "      <error type=\"harness\" message=\"" << xml_escape(r.reason) << "\">"
        << xml_escape(detail) << "</error>\n";
  } else if (r.verdict == Verdict::not_applicable || r.verdict == Verdict::waived) {
    out << "      <skipped message=\"" << xml_escape(r.reason) << "\"/>\n";
  } else if (r.verdict == Verdict::warn) {
    out << "      <system-out>WARN: " << xml_escape(r.reason) << "</system-out>\n";
  }
  out << "    </testcase>\n";
}

}  // namespace

bool write_junit(const std::string& path, const std::vector<CaseResult>& results,
                 const RunOptions& opts, const RunSummary& sum, std::string& error) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"h1spec\" tests=\"" << results.size() << "\" failures=\"" << sum.failed
      << "\" errors=\"" << sum.errors << "\" skipped=\"" << sum.not_applicable + sum.waived
      << "\" time=\"" << seconds(sum.seconds) << "\">\n";
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    std::vector<const CaseResult*> mine;
    mine.reserve(results.size());
    for (const CaseResult& r : results) {
      if (r.target == t) mine.push_back(&r);
    }
    const RunSummary s = [&] {
      std::vector<CaseResult> copy;
      copy.reserve(mine.size());
      for (const CaseResult* r : mine) copy.push_back(*r);
      return summarise(copy, 0);
    }();
    double time = 0;
    for (const CaseResult* r : mine) time += r->seconds;
    out << "  <testsuite name=\"h1spec " << xml_escape(opts.targets[t].name) << "\" tests=\""
        << mine.size() << "\" failures=\"" << s.failed << "\" errors=\"" << s.errors
        << "\" skipped=\"" << s.not_applicable + s.waived << "\" time=\"" << seconds(time)
        << "\">\n";
    for (const CaseResult* r : mine) write_case(out, *r);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  out.flush();
  if (!out) error = "write failed: " + path;
  return static_cast<bool>(out);
}

}  // namespace h1spec
