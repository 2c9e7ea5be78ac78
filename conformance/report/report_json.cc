// JSON report: every case with its verdict and the raw bytes of every replay (base64, plus
// a readable escaped form).
#include <fstream>
#include <nlohmann/json.hpp>

#include "report/report.h"

namespace h1spec {

namespace {

std::string base64(std::string_view in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += table[(v >> k) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Raw bytes are kept whole up to this size; beyond it the report keeps the first part
// and says how long the original was (a 1 MiB body per replay would bloat the file).
constexpr std::size_t kMaxRawBytes = 65'536;

// The origin view of one replay through a proxy: every back-end connection, both ways.
nlohmann::json origin_json(const OriginView& v) {
  nlohmann::json conns = nlohmann::json::array();
  for (const origin::RecordedConnection& c : v.snapshot.connections) {
    nlohmann::json requests = nlohmann::json::array();
    for (const origin::RecordedRequest& q : c.requests) {
      requests.push_back({{"index", q.index},
                          {"method", printable(q.request.method, 256)},
                          {"target", printable(q.request.target, 1024)},
                          {"body_length", q.request.body.size()}});
    }
    const std::string_view in = std::string_view(c.received).substr(0, kMaxRawBytes);
    const std::string_view out = std::string_view(c.sent).substr(0, kMaxRawBytes);
    conns.push_back({{"id", c.id},
                     {"received_bytes", c.bytes_received},
                     {"sent_bytes", c.sent.size()},
                     {"received_base64", base64(in)},
                     {"sent_base64", base64(out)},
                     {"received_text", printable(c.received, 16384)},
                     {"sent_text", printable(c.sent, 16384)},
                     {"requests", std::move(requests)},
                     {"error", c.error},
                     {"peer_closed", c.peer_closed},
                     {"origin_closed", c.origin_closed}});
  }
  nlohmann::json j = {{"requests", v.snapshot.requests}, {"connections", std::move(conns)}};
  if (v.graded) {
    j["verdict"] = to_string(v.judgement.verdict);
    j["reason"] = v.judgement.reason;
    j["smuggling"] = to_string(v.smuggling.verdict);
    j["smuggling_reason"] = v.smuggling.reason;
  }
  return j;
}

nlohmann::json replay_json(const ReplayRecord& r) {
  const std::string_view sent = std::string_view(r.sent).substr(0, kMaxRawBytes);
  const std::string_view received = std::string_view(r.received).substr(0, kMaxRawBytes);
  nlohmann::json j = {{"mode", to_string(r.mode)},
                      {"split_at", r.split_at},
                      {"verdict", to_string(r.judgement.verdict)},
                      {"reason", r.judgement.reason},
                      {"request_bytes", r.sent.size()},
                      {"response_bytes", r.received.size()},
                      {"request_base64", base64(sent)},
                      {"response_base64", base64(received)},
                      {"request_text", printable(r.sent, 16384)},
                      {"response_text", printable(r.received, 16384)}};
  if (r.origin) j["origin"] = origin_json(*r.origin);
  return j;
}

}  // namespace

bool write_json(const std::string& path, const std::vector<CaseResult>& results,
                const RunOptions& opts, const RunSummary& sum, std::string& error) {
  nlohmann::json doc;
  doc["tool"] = "h1spec";
  doc["summary"] = {{"total", results.size()},
                    {"passed", sum.passed},
                    {"failed", sum.failed},
                    {"waived", sum.waived},
                    {"warned", sum.warned},
                    {"not_applicable", sum.not_applicable},
                    {"errors", sum.errors},
                    {"must_failed", sum.must_failed},
                    {"smuggled", sum.smuggled},
                    {"desync", sum.desync},
                    {"should_failed", sum.should_failed},
                    {"seconds", sum.seconds}};
  for (const Endpoint& t : opts.targets) {
    doc["targets"].push_back({{"name", t.name}, {"address", t.authority()}});
  }
  for (std::size_t t = 0; t < opts.origins.size() && t < doc["targets"].size(); ++t) {
    doc["targets"][t]["origin_port"] = opts.origins[t]->port();
  }
  doc["results"] = nlohmann::json::array();
  for (const CaseResult& r : results) {
    const Case& c = *r.test;
    nlohmann::json j = {{"id", c.id},
                        {"title", c.title},
                        {"topic", c.topic},
                        {"file", c.file},
                        {"line", c.line},
                        {"rfc", c.rfc},
                        {"quote", c.quote},
                        {"level", to_string(c.level)},
                        {"tags", c.tags},
                        {"target", opts.targets[r.target].name},
                        {"verdict", to_string(r.verdict)},
                        {"reason", r.reason},
                        {"seconds", r.seconds}};
    if (!opts.origins.empty()) {
      j["smuggling"] = to_string(r.smuggling);
      j["smuggling_reason"] = r.smuggling_reason;
      const bool graded =
          !r.replays.empty() && r.replays.front().origin && r.replays.front().origin->graded;
      j["origin_reason"] = graded ? r.replays.front().origin->judgement.reason : "";
    }
    for (const ReplayRecord& rep : r.replays) j["replays"].push_back(replay_json(rep));
    doc["results"].push_back(std::move(j));
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!out) error = "write failed: " + path;
  return static_cast<bool>(out);
}

}  // namespace h1spec
