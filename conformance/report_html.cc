// A self-contained HTML page: summary, filters, and every case with its RFC quote, the
// bytes sent and received, and the verdict. No external assets.
#include <fstream>
#include <sstream>

#include "report.h"

namespace h1spec {

namespace {

std::string html_escape(std::string_view s) { return escape_markup(s, false); }

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d232a;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
.sum{display:flex;gap:12px;padding:12px 24px;flex-wrap:wrap}
.sum span{padding:4px 10px;border-radius:12px;background:#fff;border:1px solid #d5d9de}
.filters{padding:0 24px 12px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
.filters input[type=search]{padding:4px 8px;min-width:260px}
table{border-collapse:collapse;width:calc(100% - 48px);margin:0 24px 24px;background:#fff}
th,td{border-bottom:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top}
tr.case{cursor:pointer}
tr.case:hover{background:#f0f4ff}
.v{font-weight:600;border-radius:4px;padding:1px 6px;color:#fff}
.PASS{background:#2e7d32}.FAIL{background:#c62828}.WARN{background:#ef8f00}
.NA{background:#78909c}.ERROR{background:#6a1b9a}
tr.detail td{background:#fafbfc}
tr.detail[hidden]{display:none}
pre{white-space:pre-wrap;word-break:break-all;background:#f1f3f5;padding:8px;margin:4px 0;
max-height:320px;overflow:auto;font-size:12px}
blockquote{margin:4px 0;padding:4px 10px;border-left:3px solid #90a4ae;color:#37474f}
.topic{background:#eef1f4;font-weight:600}
)";

constexpr const char* kScript = R"(
function applyFilters(){
  const q=document.getElementById('q').value.toLowerCase();
  const shown=new Set([...document.querySelectorAll('.vf:checked')].map(e=>e.value));
  const must=document.getElementById('must').checked;
  let n=0;
  document.querySelectorAll('tr.case').forEach(tr=>{
    const ok=shown.has(tr.dataset.verdict)&&(!must||tr.dataset.level==='MUST')&&
      (q===''||tr.dataset.search.includes(q));
    tr.hidden=!ok; if(!ok){tr.nextElementSibling.hidden=true;} else n++;
  });
  document.getElementById('count').textContent=n+' shown';
}
document.addEventListener('DOMContentLoaded',()=>{
  document.querySelectorAll('.vf,#must').forEach(e=>e.addEventListener('change',applyFilters));
  document.getElementById('q').addEventListener('input',applyFilters);
  document.querySelectorAll('tr.case').forEach(tr=>tr.addEventListener('click',()=>{
    const d=tr.nextElementSibling; d.hidden=!d.hidden;}));
  applyFilters();
});
)";

std::string verdict_class(Verdict v) {
  return v == Verdict::not_applicable ? "NA" : std::string(to_string(v));
}

void write_row(std::ostream& out, const CaseResult& r, const RunOptions& opts) {
  const Case& c = *r.test;
  const std::string v = verdict_class(r.verdict);
  std::string search = c.id + " " + c.title + " " + c.rfc + " " + opts.targets[r.target].name;
  for (char& ch : search) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  out << "<tr class=\"case\" data-verdict=\"" << v << "\" data-level=\"" << to_string(c.level)
      << "\" data-search=\"" << html_escape(search) << "\"><td><span class=\"v " << v << "\">"
      << to_string(r.verdict) << "</span></td><td><code>" << html_escape(c.id) << "</code></td><td>"
      << html_escape(c.title) << "</td><td>" << to_string(c.level) << "</td><td>"
      << html_escape(c.rfc) << "</td><td>" << html_escape(opts.targets[r.target].name)
      << "</td></tr>\n";
  out << "<tr class=\"detail\" hidden><td colspan=\"6\">";
  if (!r.reason.empty()) out << "<p><b>Why:</b> " << html_escape(r.reason) << "</p>";
  out << "<blockquote>" << html_escape(c.rfc) << ": \"" << html_escape(c.quote) << "\"</blockquote>"
      << "<p>" << html_escape(c.prose) << "</p><p><small>" << html_escape(c.file) << ":" << c.line
      << "</small></p>";
  for (const ReplayRecord& rep : r.replays) {
    out << "<p><b>" << to_string(rep.mode) << "</b>";
    if (rep.mode == Replay::random_split) out << " at byte " << rep.split_at;
    out << ": " << to_string(rep.judgement.verdict)
        << (rep.judgement.reason.empty() ? "" : " — " + html_escape(rep.judgement.reason))
        << "</p><pre class=\"sent\">" << html_escape(printable(rep.sent))
        << "</pre><pre class=\"recv\">" << html_escape(printable(rep.received)) << "</pre>";
  }
  out << "</td></tr>\n";
}

}  // namespace

bool write_html(const std::string& path, const std::vector<CaseResult>& results,
                const RunOptions& opts, const RunSummary& sum, std::string& error) {
  std::ostringstream out;
  std::string targets;
  for (const Endpoint& t : opts.targets) targets += (targets.empty() ? "" : ", ") + t.name;
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>h1spec: "
      << html_escape(targets) << "</title><style>" << kStyle << "</style><script>" << kScript
      << "</script></head><body>\n<header><h1>h1spec report: " << html_escape(targets)
      << "</h1></header>\n<div class=\"sum\" id=\"summary\"><span>" << results.size()
      << " cases</span><span>" << sum.passed << " passed</span><span>" << sum.failed
      << " failed</span><span>" << sum.warned << " warned</span><span>" << sum.not_applicable
      << " n/a</span><span>" << sum.errors << " errors</span><span>"
      << static_cast<int>(sum.seconds * 10) / 10.0 << " s</span></div>\n"
      << "<div class=\"filters\"><input type=\"search\" id=\"q\" placeholder=\"filter by id, "
         "title, RFC section\">";
  for (const char* v : {"PASS", "FAIL", "WARN", "NA", "ERROR"}) {
    out << "<label><input type=\"checkbox\" class=\"vf\" value=\"" << v << "\" checked> " << v
        << "</label>";
  }
  out << "<label><input type=\"checkbox\" id=\"must\"> only MUST</label><span id=\"count\"></span>"
      << "</div>\n<table id=\"cases\"><thead><tr><th>Verdict</th><th>Case</th><th>Title</th>"
         "<th>Level</th><th>RFC</th><th>Target</th></tr></thead><tbody>\n";
  std::string topic;
  for (const CaseResult& r : results) {
    if (r.test->topic != topic) {
      topic = r.test->topic;
      out << "<tr class=\"topic\"><td colspan=\"6\">" << html_escape(topic) << "</td></tr>\n";
    }
    write_row(out, r, opts);
  }
  out << "</tbody></table></body></html>\n";
  std::ofstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot write " + path;
    return false;
  }
  file << out.str();
  if (!file) error = "write failed: " + path;
  return static_cast<bool>(file);
}

}  // namespace h1spec
