#include "proxy_rewrite.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

namespace h1spec::faulty {

namespace {

constexpr std::array<std::string_view, 7> kHopByHop = {
    "connection", "keep-alive",        "proxy-connection", "te",
    "upgrade",    "transfer-encoding", "trailer"};

// Longer targets get 414 (RFC 9112 §3 recommends supporting at least 8000 octets).
constexpr std::size_t kMaxTarget = 8000;

// Fields a TRACE reflection leaves out: credentials are not echoed (RFC 9110 §9.3.8).
constexpr std::array<std::string_view, 3> kNotReflected = {"authorization", "proxy-authorization",
                                                           "cookie"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool parse_decimal(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

std::vector<std::string_view> values_of(const std::vector<ClientField>& fields,
                                        std::string_view name) {
  std::vector<std::string_view> out;
  for (const ClientField& f : fields) {
    if (iequals(f.name, name)) out.emplace_back(f.value);
  }
  return out;
}

const ClientField* first_field(const std::vector<ClientField>& fields, std::string_view name) {
  for (const ClientField& f : fields) {
    if (iequals(f.name, name)) return &f;
  }
  return nullptr;
}

// "1.1" for "HTTP/1.1": the received-protocol of a Via entry.
std::string_view via_version(std::string_view version) {
  return version.size() == 8 ? version.substr(5) : std::string_view("1.1");
}

// The authority and origin-form path of an absolute-form target ("http://a/b?c" gives "a" and
// "/b?c"); false when the target is not absolute-form.
bool split_absolute(std::string_view target, std::string_view method, std::string& authority,
                    std::string& path) {
  std::size_t scheme = 0;
  if (target.size() > 7 && iequals(target.substr(0, 7), "http://")) scheme = 7;
  if (target.size() > 8 && iequals(target.substr(0, 8), "https://")) scheme = 8;
  if (scheme == 0) return false;
  const std::string_view rest = target.substr(scheme);
  const std::size_t end = std::min(rest.find_first_of("/?#"), rest.size());
  authority = std::string(rest.substr(0, end));
  path = std::string(rest.substr(end));
  if (path.empty() || path.front() == '?') path = (method == "OPTIONS" ? "*" : "/") + path;
  return true;
}

// uri-host [ ":" port ] in its simplest reading: no whitespace, userinfo, path or query.
bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || std::string_view("-._~%!$&'()*+,;=:[]").find(c) != std::string_view::npos;
  });
}

std::string reason_of(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

}  // namespace

std::vector<std::string> connection_options(const std::vector<std::string_view>& values) {
  std::vector<std::string> out;
  for (std::string_view v : values) {
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      const std::string_view option = trim(v.substr(0, comma));
      if (!option.empty()) out.push_back(lower(option));
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

bool is_hop_by_hop(std::string_view name, const std::vector<std::string>& options,
                   bool keep_listed) {
  const std::string n = lower(name);
  if (std::find(kHopByHop.begin(), kHopByHop.end(), n) != kHopByHop.end()) return true;
  return !keep_listed && std::find(options.begin(), options.end(), n) != options.end();
}

Refusal refuse_request(const ClientRequest& request) {
  const Request& r = request.request;
  if (r.version[5] != '1') return {505, "HTTP-version " + r.version + " is not served"};
  const std::vector<std::string_view> hosts = values_of(request.fields, "Host");
  if (hosts.size() > 1) return {400, "more than one Host field"};
  if (hosts.empty() && r.version != "HTTP/1.0") return {400, "HTTP/1.1 request without Host"};
  if (!hosts.empty() && !valid_host(hosts.front()) &&
      !(hosts.front().empty() && r.target.front() == '/')) {
    return {400, "invalid Host value"};
  }
  if (r.method == "CONNECT") return {501, "CONNECT is not served by this reverse proxy"};
  // Only chunked is decoded; another coding cannot be re-framed (RFC 9112 §6.1: 501).
  for (const std::string& coding :
       connection_options(values_of(request.fields, "Transfer-Encoding"))) {
    if (coding != "chunked") return {501, "transfer coding " + coding + " is not implemented"};
  }
  if (r.target.size() > kMaxTarget) return {414, "request-target longer than 8000 bytes"};
  // No request-target form has a fragment (RFC 9112 §3.2); it is not cut off either.
  if (r.target.find('#') != std::string::npos) return {400, "fragment in the request-target"};
  if (r.target == "*") {
    if (r.method != "OPTIONS") return {400, "asterisk-form target on a method other than OPTIONS"};
    return {};
  }
  if (r.target.front() == '/') return {};
  std::string authority;
  std::string path;
  if (!split_absolute(r.target, r.method, authority, path)) {
    return {400, "request-target is neither origin-form, absolute-form nor *"};
  }
  if (!valid_host(authority) || authority.find('@') != std::string::npos) {
    return {400, "invalid authority in the absolute-form target"};
  }
  // RFC 9110 §7.4: an https request MUST be rejected unless its connection is secured.
  if (iequals(r.target.substr(0, 6), "https:")) {
    return {421, "an https target over a cleartext connection"};
  }
  return {};
}

std::string forward_request(const ClientRequest& request, ProxyFaults faults,
                            std::string_view upstream) {
  const Request& r = request.request;
  std::string target = r.target;
  std::string authority;
  std::string path;
  if (split_absolute(r.target, r.method, authority, path)) target = path;
  const bool max_forwards_method = r.method == "TRACE" || r.method == "OPTIONS";
  const std::vector<std::string> options =
      connection_options(values_of(request.fields, "Connection"));
  const bool keep_listed = faults.has(ProxyFault::keep_connection_fields);
  std::string out = r.method + " " + target + " HTTP/1.1\r\n";
  bool have_host = false;
  for (const ClientField& f : request.fields) {
    const bool framing = iequals(f.name, "Content-Length") || iequals(f.name, "Transfer-Encoding");
    if (request.keep_framing && framing) {
      out += f.raw.empty() ? f.name + ": " + f.value + "\r\n" : f.raw + "\r\n";
      continue;
    }
    if (framing || is_hop_by_hop(f.name, options, keep_listed)) continue;
    if (iequals(f.name, "Host")) {
      have_host = true;
      if (!authority.empty()) {
        out += f.name + ": " + authority + "\r\n";
        continue;
      }
    }
    std::uint64_t hops = 0;
    if (max_forwards_method && iequals(f.name, "Max-Forwards") && parse_decimal(f.value, hops) &&
        hops > 0) {
      out += f.name + ": " + std::to_string(hops - 1) + "\r\n";
      continue;
    }
    out += f.name + ": " + f.value + "\r\n";
  }
  if (!have_host)
    out += "Host: " + (authority.empty() ? std::string(upstream) : authority) + "\r\n";
  if (!faults.has(ProxyFault::no_via)) {
    out += "Via: " + std::string(via_version(r.version)) + " h1fault\r\n";
  }
  if (request.keep_framing) return out + "\r\n" + request.raw_body;
  if (r.framing != BodyFraming::none || !r.body.empty()) {
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  return out + "\r\n" + r.body;
}

std::string answer_max_forwards(const ClientRequest& request, ProxyFaults faults,
                                std::string_view date) {
  const Request& r = request.request;
  if (faults.has(ProxyFault::ignore_max_forwards)) return {};
  if (r.method != "TRACE" && r.method != "OPTIONS") return {};
  const ClientField* hops = first_field(request.fields, "Max-Forwards");
  std::uint64_t n = 0;
  if (hops == nullptr || !parse_decimal(hops->value, n) || n != 0) return {};
  std::string head = "HTTP/1.1 200 OK\r\nDate: " + std::string(date) + "\r\n";
  if (r.method == "OPTIONS") {
    return head +
           "Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE\r\nContent-Length: 0\r\n\r\n";
  }
  std::string body = r.method + " " + r.target + " " + r.version + "\r\n";
  for (const ClientField& f : request.fields) {
    const std::string name = lower(f.name);
    if (std::find(kNotReflected.begin(), kNotReflected.end(), name) == kNotReflected.end()) {
      body += f.name + ": " + f.value + "\r\n";
    }
  }
  body += "\r\n";
  return head + "Content-Type: message/http\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

bool client_wants_close(const ClientRequest& request) {
  if (request.request.version == "HTTP/1.0") return true;
  const std::vector<std::string> options =
      connection_options(values_of(request.fields, "Connection"));
  return std::find(options.begin(), options.end(), "close") != options.end();
}

std::string response_defect(const Response& response) {
  if (response.version.size() != 8 || response.version[5] != '1') {
    return "HTTP-version " + response.version + " in the origin's status line";
  }
  if (response.status > 599)
    return "status " + std::to_string(response.status) + " is no HTTP status";
  if (response.status == 101) return "101 Switching Protocols, but no Upgrade was forwarded";
  const std::vector<std::string_view> lengths = response.all("Content-Length");
  if (!lengths.empty() && response.find("Transfer-Encoding") != nullptr) {
    return "both Transfer-Encoding and Content-Length in the origin's response";
  }
  for (std::string_view v : lengths) {
    std::uint64_t n = 0;
    if (!parse_decimal(v, n)) return "invalid Content-Length in the origin's response";
    if (v != lengths.front()) return "differing Content-Length values in the origin's response";
  }
  return {};
}

std::string relay_response(const Response& response, bool head_request, bool close,
                           ProxyFaults faults, std::string_view date, std::string_view extra) {
  std::vector<std::string_view> connection = response.all("Connection");
  const std::vector<std::string> options = connection_options(connection);
  const bool keep_listed = faults.has(ProxyFault::keep_connection_fields);
  const bool interim = response.interim();
  const bool bodiless = interim || response.status == 204 || response.status == 304 || head_request;
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + response.reason + "\r\n";
  for (const auto& [name, value] : response.fields) {
    if (iequals(name, "Content-Length") || is_hop_by_hop(name, options, keep_listed)) continue;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (!interim && response.find("Date") == nullptr) out += "Date: " + std::string(date) + "\r\n";
  if (!faults.has(ProxyFault::no_via)) {
    out += "Via: " + std::string(via_version(response.version)) + " h1fault\r\n";
  }
  if (close && !interim) out += "Connection: close\r\n";
  if (!bodiless) {
    return out + "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n" +
           response.body;
  }
  // A 304 or an answer to HEAD keeps the origin's Content-Length: it describes the
  // representation, not this message (RFC 9110 §8.6). 1xx and 204 never carry one.
  const std::string* length = response.find("Content-Length");
  if (length != nullptr && !interim && response.status != 204) {
    out += "Content-Length: " + *length + "\r\n";
  } else if (!extra.empty()) {
    out += "Content-Length: " + std::to_string(extra.size()) + "\r\n";
  }
  return out + "\r\n" + std::string(extra);
}

std::string error_response(int status, std::string_view why, bool close, std::string_view date) {
  const std::string body = "h1fault: " + std::string(why) + "\n";
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + reason_of(status) +
      "\r\nDate: " + std::string(date) +
      "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) out += "Connection: close\r\n";
  return out + "\r\n" + body;
}

std::string http_date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 64> buf{};
  const std::size_t n = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return {buf.data(), n};
}

}  // namespace h1spec::faulty
