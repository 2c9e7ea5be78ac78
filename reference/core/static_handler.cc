#include "core/static_handler.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <utility>

#include "http/etag.h"
#include "http/http_date.h"
#include "http/media_type.h"
#include "http/range.h"
#include "http/response_head.h"
#include "http/target.h"

namespace h1::core {

namespace {

using http::Field;
using http::HeadWriter;
using http::Request;

constexpr std::string_view kAllow = "GET, HEAD, OPTIONS";
constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kIndex = "index.html";
constexpr std::size_t kEtagMax = 48;

// Methods this server knows but does not allow on its resources (405 rather than 501).
bool is_known_method(std::string_view m) noexcept {
  for (std::string_view k : {"POST", "PUT", "DELETE", "CONNECT", "TRACE", "PATCH"}) {
    if (m == k) return true;
  }
  return false;
}

void begin_head(HeadWriter& w, int status, const HandlerContext& ctx) noexcept {
  w.status_line(status);
  w.field("Server", ctx.config->server_name);
  w.field("Date", ctx.date);
}

void end_head(HeadWriter& w, Persistence p, ResponsePlan& plan) noexcept {
  if (p == Persistence::close) w.field("Connection", "close");
  if (p == Persistence::keep_alive_announced) w.field("Connection", "keep-alive");
  plan.head_size = w.finish();
}

std::string_view field_value(const Request& req, std::string_view name) noexcept {
  const Field* f = req.find(name);
  return f != nullptr ? f->value : std::string_view{};
}

bool has_field(const Request& req, std::string_view name) noexcept {
  return req.find(name) != nullptr;
}

// True if a segment of a normalised path starts with '.', e.g. "/.git/config".
bool has_dot_segment(std::string_view path) noexcept {
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (path[i] == '/' && path[i + 1] == '.') return true;
  }
  return false;
}

struct Validators {
  char etag[kEtagMax] = {};
  std::size_t etag_size = 0;
  char modified[http::kHttpDateLength] = {};
  std::int64_t mtime_s = 0;
  [[nodiscard]] std::string_view etag_view() const noexcept { return {etag, etag_size}; }
  [[nodiscard]] std::string_view modified_view() const noexcept {
    return {modified, sizeof modified};
  }
};

Validators validators_for(const FileInfo& info) noexcept {
  Validators v;
  v.etag_size = http::format_etag(info.size, info.mtime_ns, v.etag);
  v.mtime_s = info.mtime_ns / 1'000'000'000;
  if (http::format_http_date(v.mtime_s, v.modified) == 0) std::memset(v.modified, ' ', 29);
  return v;
}

// Evaluates preconditions in the order of RFC 9110 §13.2.2; returns 0, 304 or 412.
int precondition_status(const Request& req, const Validators& v) noexcept {
  std::int64_t date = 0;
  if (const Field* f = req.find("If-Match")) {
    if (!http::if_match_matches(f->value, v.etag_view())) return 412;
  } else if (const Field* g = req.find("If-Unmodified-Since")) {
    if (http::parse_http_date(g->value, date) && v.mtime_s > date) return 412;
  }
  if (const Field* f = req.find("If-None-Match")) {
    if (http::if_none_match_matches(f->value, v.etag_view())) return 304;
  } else if (const Field* g = req.find("If-Modified-Since")) {
    if (http::parse_http_date(g->value, date) && v.mtime_s <= date) return 304;
  }
  return 0;
}

// If-Range (RFC 9110 §13.1.5): an entity-tag must match strongly, a date exactly.
bool if_range_allows(const Request& req, const Validators& v) noexcept {
  const Field* f = req.find("If-Range");
  if (f == nullptr) return true;
  const std::string_view value = f->value;
  if (!value.empty() && (value.front() == '"' || value.substr(0, 2) == "W/")) {
    return value.front() == '"' && value == v.etag_view();
  }
  std::int64_t date = 0;
  return http::parse_http_date(value, date) && date == v.mtime_s;
}

void set_text_body(ResponsePlan& plan) noexcept {
  char* p = plan.body.text;
  char* const end = p + sizeof plan.body.text - 1;
  p = std::to_chars(p, end, plan.status).ptr;
  *p++ = ' ';
  const std::string_view reason = http::reason_phrase(plan.status);
  const std::size_t n = std::min<std::size_t>(reason.size(), static_cast<std::size_t>(end - p));
  std::memcpy(p, reason.data(), n);
  p += n;
  *p++ = '\n';
  plan.body.text_size = static_cast<std::size_t>(p - plan.body.text);
}

ResponsePlan generated(int status, const HandlerContext& ctx, Persistence persistence,
                       bool head_only, std::span<const Field> extra, std::span<char> out) {
  ResponsePlan plan;
  plan.status = status;
  const bool bodiless = status == 204 || status == 304 || status < 200;
  if (!bodiless) set_text_body(plan);
  plan.send_body = !bodiless && !head_only;
  HeadWriter w(out);
  begin_head(w, status, ctx);
  for (const Field& f : extra) w.field(f.name, f.value);
  if (!bodiless) {
    w.field("Content-Type", kTextType);
    w.field("Content-Length", static_cast<std::uint64_t>(plan.body.text_size));
  }
  end_head(w, persistence, plan);
  return plan;
}

void representation_fields(HeadWriter& w, const Validators& v) {
  w.field("Last-Modified", v.modified_view());
  if (v.etag_size != 0) w.field("ETag", v.etag_view());
  w.field("Accept-Ranges", "bytes");
}

// 200, 206, 304, 412 or 416 for an open regular file; path is the normalised one, for the
// media type. The plan takes doc's handle only when it sends a body from the file.
ResponsePlan serve_file(const Request& req, const HandlerContext& ctx, Persistence persistence,
                        OpenResult& doc, std::string_view path, std::span<char> out) {
  const bool head = req.line.method == "HEAD";
  const Validators v = validators_for(doc.info);
  ResponsePlan plan;
  plan.status = precondition_status(req, v);
  http::RangeResult range;
  if (plan.status == 0 && !head && has_field(req, "Range") && if_range_allows(req, v)) {
    range = http::parse_range(field_value(req, "Range"), doc.info.size);
  }
  if (plan.status == 0) {
    plan.status = range.status == http::RangeStatus::satisfiable     ? 206
                  : range.status == http::RangeStatus::unsatisfiable ? 416
                                                                     : 200;
  }
  if (plan.status == 412) return generated(412, ctx, persistence, head, {}, out);
  if (plan.status == 416) {
    char buf[32] = "bytes */";
    const char* end = std::to_chars(buf + 8, buf + sizeof buf, doc.info.size).ptr;
    const Field extra[1] = {{"Content-Range", {buf, static_cast<std::size_t>(end - buf)}}};
    return generated(416, ctx, persistence, head, extra, out);
  }
  HeadWriter w(out);
  begin_head(w, plan.status, ctx);
  if (plan.status != 304) w.field("Content-Type", http::media_type_for(path));
  plan.body.offset = 0;
  plan.body.length = doc.info.size;
  if (plan.status == 206) {
    plan.body.offset = range.range.first;
    plan.body.length = range.range.last - range.range.first + 1;
    char cr[80];
    const auto r = std::snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu",
                                 static_cast<unsigned long long>(range.range.first),
                                 static_cast<unsigned long long>(range.range.last),
                                 static_cast<unsigned long long>(doc.info.size));
    w.field("Content-Range", std::string_view(cr, static_cast<std::size_t>(r)));
  }
  if (plan.status != 304) w.field("Content-Length", plan.body.length);
  representation_fields(w, v);
  end_head(w, persistence, plan);
  plan.send_body = !head && plan.status != 304;
  if (plan.send_body) {
    plan.body.file = std::move(doc.handle);
  } else {
    plan.body.length = 0;
  }
  return plan;
}

// Answers a directory named without its trailing slash with a redirect (RFC 9110 §15.4.2).
ResponsePlan redirect_to_directory(std::string_view raw_path, std::string_view query,
                                   const HandlerContext& ctx, Persistence persistence,
                                   bool head_only, std::span<char> out) {
  char location[512];
  const std::size_t need = raw_path.size() + 2 + query.size();
  if (need > sizeof location) return generated(404, ctx, persistence, head_only, {}, out);
  std::size_t n = 0;
  std::memcpy(location, raw_path.data(), raw_path.size());
  n += raw_path.size();
  location[n++] = '/';
  if (!query.empty()) {
    location[n++] = '?';
    std::memcpy(location + n, query.data(), query.size());
    n += query.size();
  }
  const Field extra[1] = {{"Location", {location, n}}};
  return generated(301, ctx, persistence, head_only, extra, out);
}

int status_for_open(OpenStatus s) noexcept {
  switch (s) {
    case OpenStatus::not_found:
      return 404;
    case OpenStatus::forbidden:
      return 403;
    default:
      return 500;
  }
}

ResponsePlan serve_path(const Request& req, const HandlerContext& ctx, Persistence persistence,
                        std::span<char> out) {
  const bool head = req.line.method == "HEAD";
  std::string_view pq =
      req.line.form == http::TargetForm::absolute ? req.line.path_and_query : req.line.target;
  std::string_view raw_path = http::path_of(pq);
  const std::string_view query = http::query_of(pq);
  if (raw_path.empty()) raw_path = "/";
  const std::span<char> scratch = ctx.path_scratch;
  if (scratch.size() < raw_path.size() + kIndex.size()) {
    return generated(414, ctx, persistence, head, {}, out);
  }
  const http::NormalizeResult norm = http::normalize_path(raw_path, scratch);
  if (norm.error != http::TargetError::none) {
    return generated(400, ctx, persistence, head, {}, out);
  }
  std::size_t len = norm.length;
  const bool dotted = has_dot_segment({scratch.data(), len});
  if (dotted && !ctx.config->serve_dotfiles) return generated(404, ctx, persistence, head, {}, out);
  const bool wants_index = scratch[len - 1] == '/';
  if (wants_index) {
    std::memcpy(scratch.data() + len, kIndex.data(), kIndex.size());
    len += kIndex.size();
  }
  const std::string_view path(scratch.data(), len);
  // Whatever the plan does not take is closed when `opened` goes, at the end of this call.
  OpenResult opened = ctx.files->open(path.substr(1));
  if (opened.status != OpenStatus::ok) {
    return generated(status_for_open(opened.status), ctx, persistence, head, {}, out);
  }
  if (opened.info.directory) {
    if (wants_index) return generated(404, ctx, persistence, head, {}, out);
    return redirect_to_directory(raw_path, query, ctx, persistence, head, out);
  }
  return serve_file(req, ctx, persistence, opened, path, out);
}

}  // namespace

ResponsePlan plan_status(int status, const HandlerContext& ctx, Persistence persistence,
                         bool head_only, std::span<char> out) noexcept {
  return generated(status, ctx, persistence, head_only, {}, out);
}

ResponsePlan plan_response(const Request& req, const HandlerContext& ctx, Persistence persistence,
                           std::span<char> out) noexcept {
  const std::string_view method = req.line.method;
  const bool head = method == "HEAD";
  if (method == "OPTIONS") {
    const Field allow[1] = {{"Allow", kAllow}};
    return generated(204, ctx, persistence, false, allow, out);
  }
  if (method != "GET" && !head) {
    const Field allow[1] = {{"Allow", kAllow}};
    const int status = is_known_method(method) ? 405 : 501;
    return generated(status, ctx, persistence, false, allow, out);
  }
  return serve_path(req, ctx, persistence, out);
}

}  // namespace h1::core
