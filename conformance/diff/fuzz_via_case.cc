#include "diff/fuzz_via_case.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "diff/fuzz_finding.h"
#include "diff/fuzz_via_quotes.h"
#include "grade/smuggling_oracle.h"
#include "wire/response_reader.h"

namespace h1spec::fuzz {

namespace {

bool has_token(const Request& r, std::string_view field, std::string_view token) {
  for (std::string_view v : r.all(field)) {
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      std::string_view e = v.substr(0, comma);
      while (!e.empty() && (e.front() == ' ' || e.front() == '\t')) e.remove_prefix(1);
      while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.remove_suffix(1);
      if (iequals(e, token)) return true;
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return false;
}

// Whether a correct server closes the connection after answering this request (RFC 9112
// §9.6: "close"; §9.3: an HTTP/1.0 request without keep-alive).
bool ends_connection(const Request& r) {
  if (has_token(r, "Connection", "close")) return true;
  return r.version == "HTTP/1.0" && !has_token(r, "Connection", "keep-alive");
}

RfcQuote quote_for(const ViaFinding& f, const ClientView& v) {
  const ViaDivergence& d = f.divergence;
  switch (d.kind) {
    case ViaKind::ambiguous:
      switch (d.ambiguity) {
        case Ambiguity::cl_te:
          return kQuoteClTe;
        case Ambiguity::te_http10:
          return kQuoteTeHttp10;
        case Ambiguity::bad_te:
          return kQuoteBadTe;
        case Ambiguity::bad_cl:
          return kQuoteBadCl;
        case Ambiguity::hidden_framing:
          return v.tail_error.starts_with("obsolete") ? kQuoteObsFold : kQuoteSpaceColon;
        case Ambiguity::incomplete_body:
          return kQuoteIncomplete;
        default:
          return kQuoteChunked;
      }
    case ViaKind::desync:
      return kQuotePipeline;
    case ViaKind::smuggled:
      if (d.detail == "repeat") return kQuoteRetry;
      [[fallthrough]];
    default: {
      bool chunked = false, length = false;
      for (const Request& r : v.requests) {
        chunked = chunked || r.framing == BodyFraming::chunked;
        length = length || r.framing == BodyFraming::content_length;
      }
      return chunked ? kQuoteChunked : length ? kQuoteContentLength : kQuoteNoBody;
    }
  }
}

std::string title(const ViaFinding& f) {
  const ViaDivergence& d = f.divergence;
  switch (d.kind) {
    case ViaKind::smuggled:
      return d.detail == "repeat" ? "the proxy sent a non-idempotent request to the origin twice"
                                  : "the origin received a request the client never sent";
    case ViaKind::ambiguous:
      return "the proxy forwarded a request out of a framing-ambiguous message (" +
             std::string(to_string(d.ambiguity)) + ")";
    case ViaKind::body:
      return "the proxy forwarded a request with other body bytes than the client sent";
    case ViaKind::desync:
      return "the client got more responses than it sent requests";
    case ViaKind::none:
      break;
  }
  return "no divergence";
}

std::string describe_request(const Request& r) {
  std::string s = "`" + r.method + " " + r.target + "`";
  s += r.body.empty() ? " (no body)" : " with body `" + escape_bytes(r.body) + "`";
  return s;
}

std::string list_requests(const std::vector<Request>& rs) {
  if (rs.empty()) return "nothing";
  std::string s;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    s += (i ? "; " : "") + std::to_string(i + 1) + ". " + describe_request(rs[i]);
  }
  return s;
}

// Whether the body of a forwarded request is checked: a GET or HEAD may lose its body on the
// way, since such content "has no generally defined semantics" (RFC 9110 §9.3.1).
bool body_checked(const Request& r) {
  return !((r.method == "GET" || r.method == "HEAD") && !r.body.empty());
}

std::string origin_expect_block(const ClientView& v, const std::vector<Request>& forward) {
  std::string out;
  if (forward.empty()) return "nothing forwarded\n";
  out += "requests at most " + std::to_string(forward.size()) + "\n";
  for (std::size_t i = 0; i < forward.size(); ++i) {
    const Request& r = forward[i];
    const std::string path = target_path(r.target);
    out += "request " + r.method + (path.starts_with("/") ? " " + path : "") + "\n";
    const bool te_http10_tail = v.ambiguity == Ambiguity::te_http10 && i + 1 == forward.size() &&
                                forward.size() > v.requests.size();
    if (te_http10_tail || !body_checked(r)) continue;
    out += r.body.empty() ? "body-empty\n" : "body \"" + escape_bytes(r.body) + "\"\n";
  }
  return out;
}

// Answers from the origin, whatever they are: the case is about what reaches the origin.
constexpr std::string_view kAnyStatus = "status 2xx 3xx 4xx 5xx";

std::string expect_block(const ClientView& v, const std::vector<Request>& forward) {
  const std::size_t answered = std::min(forward.size(), v.requests.size());
  const bool stopped = answered > 0 && ends_connection(v.requests[answered - 1]);
  std::string responses;
  for (std::size_t i = 0; i < answered; ++i) {
    responses += v.requests[i].method == "HEAD" ? "response HEAD\n" : "response\n";
    responses += std::string(kAnyStatus) + "\n";
  }
  if (stopped) return responses + "connection closed\n";
  if (!v.has_tail || !v.ambiguous()) {
    if (!responses.empty()) return responses;
    return "response\n" + std::string(kAnyStatus) + "\nor\nno-response\nconnection closed\n";
  }
  std::string out = responses;
  out += "response\n";
  out += allowed_from_tail(v) == 0 ? "status 400\n" : std::string(kAnyStatus) + "\n";
  out += "connection closed\n";
  out += "or warn: the proxy closed without answering the message it refused\n";
  out += responses.empty() ? "no-response\n" : responses;
  out += "connection closed\n";
  return out;
}

}  // namespace

std::string via_finding_key(const ViaDivergence& d, std::string_view bytes) {
  return d.signature() + "|" + field_names_key(bytes);
}

std::vector<Request> correct_forwarding(const ClientView& v) {
  std::vector<Request> out;
  for (const Request& r : v.requests) {
    out.push_back(r);
    if (ends_connection(r)) return out;
  }
  if (!v.has_tail) return out;
  if (v.ambiguity == Ambiguity::cl_te && v.te_reading) {
    out.push_back(*v.te_reading);
  } else if (v.ambiguity == Ambiguity::te_http10) {
    Request r;
    r.method = v.tail_method;
    r.target = v.tail_target;
    out.push_back(std::move(r));
  }
  return out;
}

std::string via_case_markdown(const ViaFinding& f) {
  const ClientView v = client_view(f.minimal.bytes);
  const std::vector<Request> forward = correct_forwarding(v);
  const RfcQuote q = quote_for(f, v);
  std::ostringstream md;
  md << "# " << kViaTopic << "\n\n";
  md << "### " << f.id << ": " << title(f) << "\n\n";
  md << "Found by `h1spec fuzz --via " << f.proxy_name << " --origin-port " << f.origin_port
     << " --seed " << f.run_seed << "` (input " << f.index << ", from seed "
     << (f.seed != nullptr ? f.seed->id : "?") << " by " << f.original.ops << "), minimised from "
     << f.original.bytes.size() << " to " << f.minimal.bytes.size() << " bytes; divergence `"
     << f.divergence.signature() << "`: " << f.divergence.reason << ".\n\n";
  md << "h1spec's strict reader reads the client's bytes as " << v.requests.size() << " request"
     << (v.requests.size() == 1 ? "" : "s") << " (" << list_requests(v.requests) << ")";
  if (v.has_tail) md << ", then rejects the rest: " << v.tail_error;
  md << ". The origin received " << list_requests(f.at_origin) << ". The client read "
     << f.statuses.size() << " final response" << (f.statuses.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < f.statuses.size(); ++i) md << (i ? ", " : ": ") << f.statuses[i];
  md << ". A correct proxy forwards " << list_requests(forward) << ".\n\n";
  md << "> " << q.rfc << ": \"" << q.quote << "\"\n\n";
  // The fuzzer half-closed after the answers; a replay half-closes only when the input ends
  // inside a message (the end of the stream is then part of it), since some proxies drop
  // what they forward when the client's FIN comes early.
  const bool ends_inside = v.has_tail && v.tail_error.starts_with("connection closed");
  md << "meta: level=MUST tags=proxy,fuzz-via," << to_string(f.divergence.kind)
     << (ends_inside ? " close=after-send" : "")
     << " split=no why-no-split=\"the fuzzer sent these writes\"\n\n";
  std::size_t from = 0;
  std::vector<std::size_t> ends = f.minimal.cuts;
  ends.push_back(f.minimal.bytes.size());
  for (const std::size_t to : ends) {
    if (to <= from) continue;
    md << "```http\n"
       << http_block_lines(std::string_view(f.minimal.bytes).substr(from, to - from)) << "```\n\n";
    from = to;
  }
  md << "```origin-expect\n" << origin_expect_block(v, forward) << "```\n\n";
  md << "```expect\n" << expect_block(v, forward) << "```\n";
  return md.str();
}

std::string via_finding_json(const ViaFinding& f) {
  const auto request_json = [](const Request& r) {
    return nlohmann::json{{"method", r.method},
                          {"target", r.target},
                          {"body", escape_bytes(r.body)},
                          {"framing", r.framing == BodyFraming::chunked          ? "chunked"
                                      : r.framing == BodyFraming::content_length ? "content-length"
                                                                                 : "none"}};
  };
  nlohmann::json j;
  j["id"] = f.id;
  j["kind"] = std::string(to_string(f.divergence.kind));
  j["signature"] = f.divergence.signature();
  j["key"] = f.key;
  j["reason"] = f.divergence.reason;
  j["proxy"] = f.proxy_name;
  j["origin_port"] = f.origin_port;
  j["seed"] = f.run_seed;
  j["index"] = f.index;
  j["seed_case"] = f.seed != nullptr ? f.seed->id : "";
  j["mutations"] = f.original.ops;
  const ClientView v = client_view(f.minimal.bytes);
  j["client"] = nlohmann::json::array();
  for (const Request& r : v.requests) j["client"].push_back(request_json(r));
  j["client_tail_error"] = v.tail_error;
  j["ambiguity"] = std::string(to_string(v.ambiguity));
  j["origin"] = nlohmann::json::array();
  for (const Request& r : f.at_origin) j["origin"].push_back(request_json(r));
  j["statuses"] = f.statuses;
  j["origin_bytes"] = nlohmann::json::array();
  for (const std::string& b : f.origin_bytes) j["origin_bytes"].push_back(escape_bytes(b));
  j["minimal"] = {{"escaped", escape_bytes(f.minimal.bytes)}, {"writes_at", f.minimal.cuts}};
  j["original"] = {{"escaped", escape_bytes(f.original.bytes)}, {"writes_at", f.original.cuts}};
  return j.dump(2) + "\n";
}

}  // namespace h1spec::fuzz
