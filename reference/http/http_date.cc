#include "http/http_date.h"

#include <array>

#include "http/chars.h"

namespace h1::http {

namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// Days before the first of each month in a common year.
constexpr std::array<int, 12> kMonthStart = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

constexpr std::int64_t kSecondsPerDay = 86400;

constexpr bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days from 0000-01-01 (proleptic Gregorian) to January 1st of year y >= 0; year 0 is a leap
// year, so the leap years before y are ceil(y/4) - ceil(y/100) + ceil(y/400).
constexpr std::int64_t days_before_year(std::int64_t y) {
  return 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
}

constexpr std::int64_t days_before_month(std::int64_t y, int month) {
  return kMonthStart[static_cast<std::size_t>(month - 1)] + ((month > 2 && is_leap(y)) ? 1 : 0);
}

constexpr int days_in_month(std::int64_t y, int month) {
  if (month == 12) return 31;
  return static_cast<int>(days_before_month(y, month + 1) - days_before_month(y, month));
}

constexpr std::int64_t kEpochDay = days_before_year(1970);
constexpr std::int64_t kMinSeconds = -kEpochDay * kSecondsPerDay;
constexpr std::int64_t kMaxSeconds = (days_before_year(10000) - kEpochDay) * kSecondsPerDay - 1;

struct Civil {
  std::int64_t year = 0;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Requires a date in 0000..9999, which keeps every intermediate non-negative.
constexpr std::int64_t days_from_civil(const Civil& c) {
  return days_before_year(c.year) + days_before_month(c.year, c.month) + c.day - 1 - kEpochDay;
}

// Requires days within the years 0..9999.
constexpr Civil civil_from_days(std::int64_t days) {
  const std::int64_t n = days + kEpochDay;
  Civil c;
  c.year = n * 400 / 146097;  // 146097 days per 400 years: an estimate off by at most one
  while (days_before_year(c.year + 1) <= n) ++c.year;
  while (days_before_year(c.year) > n) --c.year;
  const std::int64_t day_of_year = n - days_before_year(c.year);
  c.month = 12;
  while (days_before_month(c.year, c.month) > day_of_year) --c.month;
  c.day = static_cast<int>(day_of_year - days_before_month(c.year, c.month)) + 1;
  return c;
}

static_assert(days_from_civil({1970, 1, 1}) == 0);
static_assert(days_from_civil({2000, 3, 1}) == 11017);
static_assert(civil_from_days(11016).month == 2 && civil_from_days(11016).day == 29);

char* put_digits(char* p, std::int64_t v, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

char* put_text(char* p, std::string_view t) noexcept {
  for (const char c : t) *p++ = c;
  return p;
}

// Reads the fixed grammar left to right; every method consumes only on success.
class Cursor {
 public:
  explicit Cursor(std::string_view s) noexcept : s_(s) {}

  bool literal(std::string_view t) noexcept {
    if (s_.substr(pos_, t.size()) != t) return false;
    pos_ += t.size();
    return true;
  }

  bool digits(std::size_t count, int& value) noexcept {
    if (s_.size() - pos_ < count) return false;
    int v = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = s_[pos_ + i];
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    value = v;
    pos_ += count;
    return true;
  }

  // Index of the name that comes next; names are matched case-sensitively, as RFC 9110's %s"".
  template <std::size_t N>
  bool one_of(const std::array<std::string_view, N>& names, int& index) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  bool at_end() const noexcept { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

struct Fields {
  int year = 0;
  int month = 0;  // index into kMonthNames
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool time_of_day(Cursor& c, Fields& f) noexcept {
  return c.digits(2, f.hour) && c.literal(":") && c.digits(2, f.minute) && c.literal(":") &&
         c.digits(2, f.second);
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
bool imf_fixdate(std::string_view s, Fields& f) noexcept {
  Cursor c(s);
  int weekday = 0;
  return c.one_of(kDayNames, weekday) && c.literal(", ") && c.digits(2, f.day) && c.literal(" ") &&
         c.one_of(kMonthNames, f.month) && c.literal(" ") && c.digits(4, f.year) &&
         c.literal(" ") && time_of_day(c, f) && c.literal(" GMT") && c.at_end();
}

// "Sunday, 06-Nov-94 08:49:37 GMT". RFC 9110 pivots the two-digit year on the current date; a
// pure function has no clock, so a fixed pivot is used instead: 70-99 -> 19xx, 00-69 -> 20xx.
bool rfc850_date(std::string_view s, Fields& f) noexcept {
  Cursor c(s);
  int weekday = 0;
  const bool ok = c.one_of(kLongDayNames, weekday) && c.literal(", ") && c.digits(2, f.day) &&
                  c.literal("-") && c.one_of(kMonthNames, f.month) && c.literal("-") &&
                  c.digits(2, f.year) && c.literal(" ") && time_of_day(c, f) && c.literal(" GMT") &&
                  c.at_end();
  if (ok) f.year += f.year >= 70 ? 1900 : 2000;
  return ok;
}

// "Sun Nov  6 08:49:37 1994": the day is 2DIGIT or SP DIGIT.
bool asctime_date(std::string_view s, Fields& f) noexcept {
  Cursor c(s);
  int weekday = 0;
  return c.one_of(kDayNames, weekday) && c.literal(" ") && c.one_of(kMonthNames, f.month) &&
         c.literal(" ") && (c.literal(" ") ? c.digits(1, f.day) : c.digits(2, f.day)) &&
         c.literal(" ") && time_of_day(c, f) && c.literal(" ") && c.digits(4, f.year) && c.at_end();
}

// The day name is redundant with the date and deliberately not cross-checked: a mismatch does
// not make the instant ambiguous. Second 60 is a leap second and lands on the next minute.
bool fields_valid(const Fields& f) noexcept {
  return f.day >= 1 && f.day <= days_in_month(f.year, f.month + 1) && f.hour <= 23 &&
         f.minute <= 59 && f.second <= 60;
}

}  // namespace

std::size_t format_http_date(std::int64_t unix_seconds, std::span<char> out) noexcept {
  if (out.size() < kHttpDateLength) return 0;
  if (unix_seconds < kMinSeconds || unix_seconds > kMaxSeconds) return 0;
  // Floor division: seconds before 1970 belong to the earlier day.
  std::int64_t days = unix_seconds / kSecondsPerDay;
  std::int64_t rem = unix_seconds % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  const Civil c = civil_from_days(days);
  const auto weekday = static_cast<std::size_t>(((days + 4) % 7 + 7) % 7);  // 1970-01-01: Thu
  char* p = put_text(out.data(), kDayNames[weekday]);
  p = put_text(p, ", ");
  p = put_digits(p, c.day, 2);
  p = put_text(p, " ");
  p = put_text(p, kMonthNames[static_cast<std::size_t>(c.month - 1)]);
  p = put_text(p, " ");
  p = put_digits(p, c.year, 4);
  p = put_text(p, " ");
  p = put_digits(p, rem / 3600, 2);
  p = put_text(p, ":");
  p = put_digits(p, rem / 60 % 60, 2);
  p = put_text(p, ":");
  p = put_digits(p, rem % 60, 2);
  put_text(p, " GMT");
  return kHttpDateLength;
}

bool parse_http_date(std::string_view s, std::int64_t& unix_seconds) noexcept {
  Fields f;
  if (!imf_fixdate(s, f) && !rfc850_date(s, f) && !asctime_date(s, f)) return false;
  if (!fields_valid(f)) return false;
  const std::int64_t days = days_from_civil({f.year, f.month + 1, f.day});
  unix_seconds =
      days * kSecondsPerDay + std::int64_t{f.hour} * 3600 + std::int64_t{f.minute} * 60 + f.second;
  return true;
}

}  // namespace h1::http
