// Waivers: known failures of one target, recorded in conformance/waivers/<target name>.txt so
// that a report can show them as WAIVED instead of FAIL until the waiver expires.
//
// The file holds blocks separated by blank lines; '#' starts a comment line:
//   case: TGT-HOST-BAD-PORT
//   reason: accepts a Host port that is not a number
//   link: https://example.org/issues/123        (optional)
//   expires: 2027-06-30
// A waiver applies to a FAIL of that case until the end of its expiry day (UTC). After that
// the case fails again, and the report says the waiver expired.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace h1spec {

struct Waiver {
  std::string case_id;
  std::string reason;
  std::string link;     ///< may be empty
  std::string expires;  ///< YYYY-MM-DD
  int line = 0;         ///< line of its "case:" entry
};

struct WaiverFile {
  std::vector<Waiver> waivers;
  std::vector<std::string> errors;  ///< "file:line: message"
};

// Parses one waiver file's text; file_name is used in error messages.
[[nodiscard]] WaiverFile parse_waivers(std::string_view text, std::string_view file_name);

// True for a real calendar date written YYYY-MM-DD.
[[nodiscard]] bool valid_date(std::string_view date);

// Today's date in UTC, as YYYY-MM-DD.
[[nodiscard]] std::string today_utc();

}  // namespace h1spec
