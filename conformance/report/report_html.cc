// A self-contained HTML page: a matrix of cases by targets, coloured by verdict and grouped
// by topic with per-topic totals. A click on a cell shows that target's verdict, the RFC
// quote and the bytes sent and received. The target named "h1ref" (else the first) is the
// oracle: cells whose verdict differs from its verdict are ringed. No external assets.
// In a proxy run a SMUGGLED or DESYNC result carries a black-and-yellow mark in its cell, and
// each replay shows three columns: the client's bytes, what reached the origin (and what it
// answered), and the client's answer.
//
// Filters (search, verdicts, only disagreements, only MUST, and which targets) can also be
// set from the URL: report.html#disagree&must&target=nginx, which is how the browser test
// drives them.
#include <fstream>
#include <sstream>

#include "report/report.h"

namespace h1spec {

namespace {

std::string html_escape(std::string_view s) { return escape_markup(s, false); }

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d232a;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
.totals,.filters{margin:12px 24px}
.filters{display:flex;gap:16px;align-items:center;flex-wrap:wrap}
.filters input[type=search]{padding:4px 8px;min-width:240px}
table{border-collapse:collapse;background:#fff}
#matrix{margin:0 24px 24px;width:calc(100% - 48px)}
th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
.totals td,.totals th{text-align:right}.totals td:first-child,.totals th:first-child{text-align:left}
td.cell{cursor:pointer;text-align:center}
td.cell:hover{background:#f0f4ff}
.v{font-weight:600;border-radius:4px;padding:1px 6px;color:#fff;font-size:12px}
.PASS{background:#2e7d32}.FAIL{background:#c62828}.WARN{background:#ef8f00}
.NA{background:#78909c}.ERROR{background:#6a1b9a}.WAIVED{background:#5c6bc0}
td.dis .v{outline:3px solid #1565c0;outline-offset:1px}
tr.topic td{background:#eef1f4;font-weight:600}
tr.topic td.tt{font-weight:400;text-align:center;font-size:12px}
tr.detail td{background:#fafbfc}
pre{white-space:pre-wrap;word-break:break-all;background:#f1f3f5;padding:8px;margin:4px 0;
max-height:320px;overflow:auto;font-size:12px}
blockquote{margin:4px 0;padding:4px 10px;border-left:3px solid #90a4ae;color:#37474f}
.col-hidden{display:none}
.danger{background:#000;color:#ffeb3b;font-weight:700;border-radius:4px;padding:1px 6px;
font-size:12px;margin-left:4px}
.cols3{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px}
)";

constexpr const char* kScript = R"(
function visibleTargets(){
  return new Set([...document.querySelectorAll('.tf:checked')].map(e=>e.value));}
function applyFilters(){
  const q=document.getElementById('q').value.toLowerCase();
  const verdicts=new Set([...document.querySelectorAll('.vf:checked')].map(e=>e.value));
  const must=document.getElementById('must').checked;
  const dis=document.getElementById('disagree').checked;
  const targets=visibleTargets();
  document.querySelectorAll('[data-t]').forEach(e=>{
    if(e.classList.contains('d'))return;
    e.classList.toggle('col-hidden',!targets.has(e.dataset.t));});
  let n=0;
  document.querySelectorAll('tr.case').forEach(tr=>{
    const cells=[...tr.querySelectorAll('td.cell')].filter(c=>targets.has(c.dataset.t));
    const ok=(!must||tr.dataset.level==='MUST')&&(q===''||tr.dataset.search.includes(q))&&
      cells.some(c=>verdicts.has(c.dataset.v))&&(!dis||cells.some(c=>c.classList.contains('dis')));
    tr.hidden=!ok; if(!ok)tr.nextElementSibling.hidden=true; else n++;
  });
  document.querySelectorAll('tr.topic').forEach(tr=>{
    let r=tr.nextElementSibling, any=false;
    while(r&&!r.classList.contains('topic')){if(r.classList.contains('case')&&!r.hidden)any=true;
      r=r.nextElementSibling;}
    tr.hidden=!any;});
  document.getElementById('count').textContent=n+' cases shown';
}
function showCell(td){
  const d=td.parentElement.nextElementSibling;
  const open=!d.hidden&&d.dataset.open===td.dataset.t;
  d.hidden=open; d.dataset.open=open?'':td.dataset.t;
  d.querySelectorAll('.d').forEach(x=>x.hidden=x.dataset.t!==td.dataset.t);
}
function fromHash(){
  for(const part of location.hash.replace(/^#/,'').split('&')){
    const [k,v]=part.split('=');
    if(k==='disagree')document.getElementById('disagree').checked=true;
    if(k==='must')document.getElementById('must').checked=true;
    if(k==='q')document.getElementById('q').value=decodeURIComponent(v||'');
    if(k==='target'){const names=decodeURIComponent(v||'').split(',');
      document.querySelectorAll('.tf').forEach(e=>e.checked=names.includes(e.dataset.name));}
  }
}
document.addEventListener('DOMContentLoaded',()=>{
  document.querySelectorAll('.vf,.tf,#must,#disagree').forEach(e=>
    e.addEventListener('change',applyFilters));
  document.getElementById('q').addEventListener('input',applyFilters);
  document.querySelectorAll('td.cell').forEach(td=>td.addEventListener('click',()=>showCell(td)));
  fromHash(); applyFilters(); document.body.dataset.ready='1';
});
)";

std::string verdict_class(Verdict v) {
  return v == Verdict::not_applicable ? "NA" : std::string(to_string(v));
}

// The oracle column: the target named h1ref, else the first one.
std::size_t oracle_of(const RunOptions& opts) {
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    if (opts.targets[t].name == "h1ref") return t;
  }
  return 0;
}

void write_totals(std::ostream& out, const std::vector<CaseResult>& results,
                  const RunOptions& opts) {
  out << "<table class=\"totals\" id=\"totals\"><tr><th>target</th><th>passed</th><th>failed</th>"
         "<th>warned</th><th>n/a</th><th>waived</th><th>errors</th><th>MUST failed</th>"
      << (opts.origins.empty() ? "" : "<th>SMUGGLED</th><th>DESYNC</th>") << "</tr>\n";
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    std::vector<CaseResult> mine;
    for (const CaseResult& r : results) {
      if (r.target == t) mine.push_back(r);
    }
    const RunSummary s = summarise(mine, 0);
    out << "<tr data-target=\"" << html_escape(opts.targets[t].name) << "\"><td>"
        << html_escape(opts.targets[t].name) << "</td><td>" << s.passed << "</td><td>" << s.failed
        << "</td><td>" << s.warned << "</td><td>" << s.not_applicable << "</td><td>" << s.waived
        << "</td><td>" << s.errors << "</td><td>" << s.must_failed << "</td>";
    if (!opts.origins.empty()) out << "<td>" << s.smuggled << "</td><td>" << s.desync << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void write_filters(std::ostream& out, const RunOptions& opts) {
  out << "<div class=\"filters\"><input type=\"search\" id=\"q\" placeholder=\"filter by id, "
         "title, RFC section\">";
  for (const char* v : {"PASS", "FAIL", "WARN", "NA", "ERROR", "WAIVED"}) {
    out << "<label><input type=\"checkbox\" class=\"vf\" value=\"" << v << "\" checked> " << v
        << "</label>";
  }
  out << "<label><input type=\"checkbox\" id=\"disagree\"> only disagreements with "
      << html_escape(opts.targets[oracle_of(opts)].name) << "</label>"
      << "<label><input type=\"checkbox\" id=\"must\"> only MUST</label><span>targets:";
  for (std::size_t t = 0; t < opts.targets.size(); ++t) {
    out << " <label><input type=\"checkbox\" class=\"tf\" value=\"" << t << "\" data-name=\""
        << html_escape(opts.targets[t].name) << "\" checked> " << html_escape(opts.targets[t].name)
        << "</label>";
  }
  out << "</span><span id=\"count\"></span></div>\n";
}

// One topic's heading row, with "passed/total" per target.
void write_topic_row(std::ostream& out, const std::vector<CaseResult>& results, std::size_t first,
                     std::size_t last, const RunOptions& opts) {
  const std::size_t nt = opts.targets.size();
  out << "<tr class=\"topic\"><td colspan=\"3\">" << html_escape(results[first * nt].test->topic)
      << "</td>";
  for (std::size_t t = 0; t < nt; ++t) {
    std::size_t passed = 0;
    for (std::size_t c = first; c < last; ++c) {
      passed += results[c * nt + t].verdict == Verdict::pass ? 1 : 0;
    }
    out << "<td class=\"tt\" data-t=\"" << t << "\">" << passed << "/" << last - first
        << " passed</td>";
  }
  out << "</tr>\n";
}

// What reached the origin in one replay: per back-end connection, the bytes in and out.
std::string origin_bytes(const OriginView& v) {
  std::string text;
  for (const origin::RecordedConnection& c : v.snapshot.connections) {
    text += "-- back-end connection " + std::to_string(c.id) + ": " +
            std::to_string(c.requests.size()) + " request(s)" +
            (c.error.empty() ? "" : ", unreadable: " + c.error) + "\n" + printable(c.received) +
            "\n-- the origin answered:\n" + printable(c.sent) + "\n";
  }
  return text.empty() ? "(nothing reached the origin)" : text;
}

void write_proxy_replay(std::ostream& out, const ReplayRecord& rep) {
  const OriginView& v = *rep.origin;
  if (v.graded) {
    out << "<p>origin side: " << to_string(v.judgement.verdict)
        << (v.judgement.reason.empty() ? "" : " — " + html_escape(v.judgement.reason));
    out << "<br>smuggling oracle: ";
    if (v.smuggling.verdict != SmugglingVerdict::none) {
      out << "<span class=\"danger\">" << to_string(v.smuggling.verdict) << "</span> ";
    }
    out << html_escape(v.smuggling.reason) << "</p>";
  }
  out << "<div class=\"cols3\"><div><p>client bytes:</p><pre class=\"sent\">"
      << html_escape(printable(rep.sent)) << "</pre></div><div><p>origin bytes:</p>"
      << "<pre class=\"origin\">" << html_escape(origin_bytes(v))
      << "</pre></div><div><p>client's answer:</p><pre class=\"recv\">"
      << html_escape(printable(rep.received)) << "</pre></div></div>";
}

void write_detail(std::ostream& out, const CaseResult& r, std::size_t t, const RunOptions& opts) {
  out << "<div class=\"d\" data-t=\"" << t << "\" hidden><p><b>"
      << html_escape(opts.targets[t].name) << ": " << to_string(r.verdict) << "</b>";
  if (!r.reason.empty()) out << " — " << html_escape(r.reason);
  out << "</p>";
  for (const ReplayRecord& rep : r.replays) {
    out << "<p><b>" << to_string(rep.mode) << "</b>";
    if (rep.mode == Replay::random_split) out << " at byte " << rep.split_at;
    out << ": " << to_string(rep.judgement.verdict)
        << (rep.judgement.reason.empty() ? "" : " — " + html_escape(rep.judgement.reason))
        << "</p>";
    if (rep.origin) {
      write_proxy_replay(out, rep);
      continue;
    }
    out << "<p>sent:</p><pre class=\"sent\">" << html_escape(printable(rep.sent))
        << "</pre><p>received:</p><pre class=\"recv\">" << html_escape(printable(rep.received))
        << "</pre>";
  }
  out << "</div>";
}

void write_case(std::ostream& out, const std::vector<CaseResult>& results, std::size_t c,
                const RunOptions& opts) {
  const std::size_t nt = opts.targets.size();
  const Case& k = *results[c * nt].test;
  const Verdict oracle = results[c * nt + oracle_of(opts)].verdict;
  std::string search = k.id + " " + k.title + " " + k.rfc;
  for (char& ch : search) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  out << "<tr class=\"case\" data-id=\"" << html_escape(k.id) << "\" data-level=\""
      << to_string(k.level) << "\" data-search=\"" << html_escape(search) << "\"><td><code>"
      << html_escape(k.id) << "</code><br><small>" << html_escape(k.title) << "</small></td><td>"
      << to_string(k.level) << "</td><td>" << html_escape(k.rfc) << "</td>";
  for (std::size_t t = 0; t < nt; ++t) {
    const CaseResult& r = results[c * nt + t];
    const Verdict v = r.verdict;
    out << "<td class=\"cell" << (v != oracle ? " dis" : "") << "\" data-t=\"" << t
        << "\" data-v=\"" << verdict_class(v) << "\" title=\"" << html_escape(opts.targets[t].name)
        << "\"><span class=\"v " << verdict_class(v) << "\">" << to_string(v) << "</span>";
    if (r.danger()) out << "<span class=\"danger\">" << to_string(r.smuggling) << "</span>";
    out << "</td>";
  }
  out << "</tr>\n<tr class=\"detail\" hidden><td colspan=\"" << nt + 3 << "\"><blockquote>"
      << html_escape(k.rfc) << ": \"" << html_escape(k.quote) << "\"</blockquote><p>"
      << html_escape(k.prose) << "</p><p><small>" << html_escape(k.file) << ":" << k.line
      << "</small></p>";
  for (std::size_t t = 0; t < nt; ++t) write_detail(out, results[c * nt + t], t, opts);
  out << "</td></tr>\n";
}

}  // namespace

bool write_html(const std::string& path, const std::vector<CaseResult>& results,
                const RunOptions& opts, const RunSummary& sum, std::string& error) {
  std::ostringstream out;
  std::string targets;
  for (const Endpoint& t : opts.targets) targets += (targets.empty() ? "" : ", ") + t.name;
  const std::size_t nt = opts.targets.size();
  const std::size_t cases = nt == 0 ? 0 : results.size() / nt;
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>h1spec: "
      << html_escape(targets) << "</title><style>" << kStyle << "</style><script>" << kScript
      << "</script></head><body>\n<header><h1>h1spec report: " << html_escape(targets)
      << "</h1><div>" << cases << " cases × " << nt << " target(s), "
      << static_cast<int>(sum.seconds * 10) / 10.0 << " s</div></header>\n";
  write_totals(out, results, opts);
  write_filters(out, opts);
  out << "<table id=\"matrix\"><thead><tr><th>Case</th><th>Level</th><th>RFC</th>";
  for (std::size_t t = 0; t < nt; ++t) {
    out << "<th data-t=\"" << t << "\" class=\"target\">" << html_escape(opts.targets[t].name)
        << (t == oracle_of(opts) && nt > 1 ? " (oracle)" : "") << "</th>";
  }
  out << "</tr></thead><tbody>\n";
  for (std::size_t first = 0; first < cases;) {
    std::size_t last = first;
    while (last < cases && results[last * nt].test->topic == results[first * nt].test->topic) {
      ++last;
    }
    write_topic_row(out, results, first, last, opts);
    for (std::size_t c = first; c < last; ++c) write_case(out, results, c, opts);
    first = last;
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
