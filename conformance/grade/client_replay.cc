#include "grade/client_replay.h"

#include <httplib.h>

namespace h1spec {

namespace {

struct ParsedRequest {
  std::string method, path;
  httplib::Headers headers;
  std::string body;
};

// Splits the case's bytes into the parts httplib needs; false if they are not a
// well-formed request (then the case must use transport=raw).
bool split_request(std::string_view bytes, ParsedRequest& out) {
  const std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return false;
  std::string_view head = bytes.substr(0, head_end + 2);
  out.body = std::string(bytes.substr(head_end + 4));
  const std::size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  out.method = std::string(line.substr(0, sp1));
  out.path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  head.remove_prefix(eol + 2);
  while (!head.empty()) {
    const std::size_t e = head.find("\r\n");
    const std::string_view field = head.substr(0, e);
    head.remove_prefix(e + 2);
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    const std::string name(field.substr(0, colon));
    if (iequals(name, "host") || iequals(name, "content-length")) continue;  // httplib sets them
    out.headers.emplace(name, std::string(value));
  }
  return true;
}

}  // namespace

ReplayRecord replay_client(const Case& c, const Endpoint& target, const RunOptions& opts,
                           ExpectedFiles& files) {
  ReplayRecord rec;
  rec.mode = Replay::client;
  for (const std::string& b : c.sends) rec.sent += expand_host(b, target.authority());
  ParsedRequest parsed;
  if (!split_request(rec.sent, parsed)) {
    rec.judgement = {Verdict::error, "transport=client needs one well-formed request"};
    return rec;
  }
  if (std::string refused = guard_message(target); !refused.empty()) {
    rec.judgement = {Verdict::error, refused};
    return rec;
  }
  httplib::Client client(target.connect_host(), target.port);
  const auto timeout = c.timeout_ms > 0 ? std::chrono::milliseconds(c.timeout_ms) : opts.timeout;
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Request req;
  req.method = parsed.method;
  req.path = parsed.path;
  req.headers = parsed.headers;
  req.body = parsed.body;
  const httplib::Result res = client.send(req);
  if (!res) {
    // Not reaching the server is the harness's problem; a server that stops answering
    // half-way is the server's.
    const bool harness = res.error() == httplib::Error::Connection;
    rec.judgement = {harness ? Verdict::error : Verdict::fail,
                     "cpp-httplib: " + httplib::to_string(res.error())};
    return rec;
  }
  Observation obs;
  Response r;
  r.version = res->version;
  r.status = res->status;
  r.reason = res->reason;
  for (const auto& [name, value] : res->headers) r.fields.emplace_back(name, value);
  r.body = res->body;
  obs.responses.push_back(r);
  rec.received = r.version + " " + std::to_string(r.status) + " " + r.reason + "\r\n";
  for (const auto& [name, value] : r.fields)
    rec.received.append(name).append(": ").append(value).append("\r\n");
  rec.received += "\r\n" + r.body;
  rec.judgement = judge(c, obs, files, opts.profile);
  return rec;
}

}  // namespace h1spec
