// Markdown summary: one row per target, then every FAIL and ERROR with its reason. Short
// enough for a CI job summary ($GITHUB_STEP_SUMMARY) or a merge-request comment.
#include <fstream>
#include <sstream>

#include "report/report.h"

namespace h1spec {

namespace {

constexpr std::size_t kMaxListed = 100;

// A table cell: no line breaks, and '|' escaped.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : printable(text, 300)) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

bool write_markdown(const std::string& path, const std::vector<CaseResult>& results,
                    const RunOptions& opts, const RunSummary& sum, std::string& error) {
  std::ostringstream md;
  md << "### h1spec: " << sum.passed << " passed, " << sum.failed << " failed (" << sum.must_failed
     << " MUST), " << sum.warned << " warned, " << sum.not_applicable << " n/a, " << sum.waived
     << " waived, " << sum.errors << " errors";
  if (!opts.origins.empty()) {
    md << "; " << sum.smuggled << " SMUGGLED, " << sum.desync << " DESYNC";
  }
  md << "\n\n";
  md << "| target | address | passed | failed | MUST failed | SHOULD failed | warned | n/a | "
        "waived | errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    std::vector<CaseResult> mine;
    for (const CaseResult& r : results) {
      if (r.target == t) mine.push_back(r);
    }
    const RunSummary s = summarise(mine, 0);
    md << "| " << cell(opts.targets[t].name) << " | " << cell(opts.targets[t].authority()) << " | "
       << s.passed << " | " << s.failed << " | " << s.must_failed << " | " << s.should_failed
       << " | " << s.warned << " | " << s.not_applicable << " | " << s.waived << " | " << s.errors
       << " |\n";
  }
  std::size_t listed = 0, unlisted = 0;
  for (const CaseResult& r : results) {
    if (r.verdict != Verdict::fail && r.verdict != Verdict::error) continue;
    if (listed == kMaxListed) {
      ++unlisted;
      continue;
    }
    if (listed++ == 0)
      md << "\n| verdict | case | level | RFC | target | what went wrong |\n"
            "|---|---|---|---|---|---|\n";
    // A danger is flagged in the verdict column itself: the first thing a reader scans.
    md << "| " << to_string(r.verdict)
       << (r.danger() ? " **" + std::string(to_string(r.smuggling)) + "**" : "") << " | `"
       << cell(r.test->id) << "` | " << to_string(r.test->level) << " | " << cell(r.test->rfc)
       << " | " << cell(opts.targets[r.target].name) << " | " << cell(r.reason) << " |\n";
  }
  if (unlisted > 0) md << "\nand " << unlisted << " more; the JSON and HTML reports list all.\n";
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  out << md.str();
  if (!out) error = "write failed: " + path;
  return static_cast<bool>(out);
}

}  // namespace h1spec
