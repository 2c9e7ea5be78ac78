// The report formats: JUnit, JSON, HTML and a Markdown summary. Each writes a whole file and
// returns false with error set if the file cannot be written.
#pragma once

#include <string>
#include <vector>

#include "grade/runner.h"

namespace h1spec {

struct RunSummary {
  std::size_t passed = 0, failed = 0, warned = 0, not_applicable = 0, errors = 0, waived = 0;
  std::size_t must_failed = 0, should_failed = 0;  ///< SMUGGLED and DESYNC count as MUST
  std::size_t smuggled = 0, desync = 0;
  double seconds = 0;
};

[[nodiscard]] RunSummary summarise(const std::vector<CaseResult>& results, double seconds);

// Bytes as readable text: printable ASCII kept, CR, LF, TAB and others escaped; long
// inputs shortened in the middle.
[[nodiscard]] std::string printable(std::string_view bytes, std::size_t max = 4096);

// Escapes text for HTML and XML attributes and content. XML 1.0 cannot carry most control
// characters even as references, so they become '?'; HTML keeps them.
[[nodiscard]] std::string escape_markup(std::string_view text, bool xml);

[[nodiscard]] bool write_junit(const std::string& path, const std::vector<CaseResult>& results,
                               const RunOptions& opts, const RunSummary& sum, std::string& error);
[[nodiscard]] bool write_json(const std::string& path, const std::vector<CaseResult>& results,
                              const RunOptions& opts, const RunSummary& sum, std::string& error);
[[nodiscard]] bool write_markdown(const std::string& path, const std::vector<CaseResult>& results,
                                  const RunOptions& opts, const RunSummary& sum,
                                  std::string& error);
[[nodiscard]] bool write_html(const std::string& path, const std::vector<CaseResult>& results,
                              const RunOptions& opts, const RunSummary& sum, std::string& error);

}  // namespace h1spec
