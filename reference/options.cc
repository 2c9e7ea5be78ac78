#include "options.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <thread>

#include "h1_version.h"

namespace h1::cli {

namespace {

using std::chrono::milliseconds;

constexpr std::uint64_t kMaxWorkers = 1024;
constexpr std::uint64_t kMaxTimeoutMs = 86'400'000;  // a day: longer is surely a typo

// A whole decimal number in [min, max]; no sign, no spaces, no leading '+'.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t min, std::uint64_t max) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if (v < min || v > max) return std::nullopt;
  return v;
}

// Seconds with up to three decimals ("30", "0.5"), as a positive duration.
std::optional<milliseconds> parse_seconds(std::string_view s) {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 3)) return std::nullopt;
  const auto secs = parse_uint(whole, 0, kMaxTimeoutMs / 1000);
  if (!secs) return std::nullopt;
  std::uint64_t ms = *secs * 1000;
  if (!frac.empty()) {
    const auto f = parse_uint(frac, 0, 999);
    if (!f) return std::nullopt;
    std::uint64_t scaled = *f;
    for (std::size_t i = frac.size(); i < 3; ++i) scaled *= 10;
    ms += scaled;
  }
  if (ms == 0 || ms > kMaxTimeoutMs) return std::nullopt;
  return milliseconds(static_cast<milliseconds::rep>(ms));
}

// A dotted-quad IPv4 address: four decimal octets, no leading zeros (as inet_pton).
bool valid_ipv4(std::string_view s) {
  for (int part = 0; part < 4; ++part) {
    const std::size_t dot = s.find('.');
    const bool last = part == 3;
    if (last != (dot == std::string_view::npos)) return false;
    const std::string_view octet = s.substr(0, dot);
    if (octet.size() > 1 && octet.front() == '0') return false;
    if (!parse_uint(octet, 0, 255)) return false;
    if (!last) s.remove_prefix(dot + 1);
  }
  return true;
}

// Built by appending: GCC 12's -Wrestrict misfires on "'" + std::string(s) + "'".
std::string quoted(std::string_view s) {
  std::string q;
  q.reserve(s.size() + 2);
  q += '\'';
  q += s;
  q += '\'';
  return q;
}

// Applies one flag with its value; returns an error message or "".
std::string apply(models::ServeOptions& o, std::string_view flag, std::string_view value) {
  std::string bad = "invalid value " + quoted(value) + " for " + std::string(flag);
  if (flag == "--root") {
    if (value.empty()) return bad;
    o.root = value;
  } else if (flag == "--host") {
    if (!valid_ipv4(value)) return bad + ": expected an IPv4 address such as 127.0.0.1";
    o.host = value;
  } else if (flag == "--port") {
    const auto v = parse_uint(value, 0, 65535);
    if (!v) return bad + ": expected a port number from 0 to 65535";
    o.port = static_cast<std::uint16_t>(*v);
  } else if (flag == "--model") {
    if (models::find_model(value) == nullptr) {
      std::string names;
      for (const models::ModelInfo& m : models::all_models()) {
        names += names.empty() ? "" : ", ";
        names += m.name;
      }
      return "unknown model " + quoted(value) + " (available: " + names + ")";
    }
    o.model = value;
  } else if (flag == "--workers") {
    const auto v = parse_uint(value, 1, kMaxWorkers);
    if (!v) return bad + ": expected a number from 1 to " + std::to_string(kMaxWorkers);
    o.workers = static_cast<unsigned>(*v);
  } else if (flag == "--max-connections") {
    const auto v = parse_uint(value, 0, UINT32_MAX);
    if (!v) return bad + ": expected a number (0 for no limit)";
    o.max_connections = static_cast<std::size_t>(*v);
  } else if (flag == "--idle-timeout" || flag == "--header-timeout") {
    const auto v = parse_seconds(value);
    if (!v) return bad + ": expected seconds, such as 30 or 0.5";
    (flag == "--idle-timeout" ? o.idle_timeout : o.header_timeout) = *v;
  } else if (flag == "--cache-ttl") {
    const auto v = value == "0" ? std::optional<milliseconds>(0) : parse_seconds(value);
    if (!v) return bad + ": expected seconds, such as 1 or 0.25 (0 turns the cache off)";
    o.cache_ttl = *v;
  } else {
    if (value.empty()) return bad;
    o.access_log = value;  // --access-log, the last flag that takes a value
  }
  return {};
}

bool takes_value(std::string_view flag) {
  constexpr std::string_view kFlags[] = {"--root",         "--host",           "--port",
                                         "--model",        "--workers",        "--max-connections",
                                         "--idle-timeout", "--header-timeout", "--access-log",
                                         "--cache-ttl"};
  for (std::string_view f : kFlags) {
    if (f == flag) return true;
  }
  return false;
}

}  // namespace

ParsedOptions parse_options(std::span<const std::string_view> args) {
  ParsedOptions out;
  const unsigned cores = std::thread::hardware_concurrency();
  out.options.workers = cores == 0 ? 1 : cores;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.options.help = true;
      return out;
    }
    if (arg == "--version") {
      out.options.version = true;
      return out;
    }
    if (arg == "--quiet") {
      out.options.quiet = true;
      continue;
    }
    const std::size_t eq = arg.find('=');
    const std::string_view flag = arg.substr(0, eq);
    if (!takes_value(flag)) {
      if (flag == "--quiet" || flag == "--help" || flag == "--version") {
        out.error = "option " + quoted(flag) + " takes no value";
      } else if (arg.starts_with("-")) {
        out.error = "unknown option " + quoted(flag);
      } else {
        out.error = "unexpected argument " + quoted(arg);
      }
      return out;
    }
    std::string_view value;
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      out.error = "option " + quoted(flag) + " needs a value";
      return out;
    }
    out.error = apply(out.options, flag, value);
    if (!out.ok()) return out;
  }
  return out;
}

std::string usage() {
  std::string text =
      "usage: h1ref [options]\n"
      "A strict HTTP/1.1 static-file server.\n"
      "\n"
      "  --root DIR             directory to serve (default: html)\n"
      "  --host ADDR            IPv4 address to listen on (default: 127.0.0.1)\n"
      "  --port N               TCP port; 0 picks a free one (default: 8080)\n"
      "  --model NAME           concurrency model (default: epoll; see below)\n"
      "  --workers N            event-loop threads of the epoll model (default: one per core)\n"
      "  --max-connections N    open connections at most; 0: no limit, or 1024 for the\n"
      "                         threads and fork models (default: 0)\n"
      "  --idle-timeout S       keep-alive idle and stall timeout in seconds (default: 60)\n"
      "  --header-timeout S     time allowed to send a request head (default: 10)\n"
      "  --cache-ttl S          keep open files, their metadata and small files' bytes\n"
      "                         for S seconds (epoll and poll models); a changed\n"
      "                         file is served as it was for at most S seconds\n"
      "                         (default: 1; 0: no cache)\n"
      "  --access-log FILE|-    log one line per response to FILE or stdout\n"
      "  --quiet                no informational messages on stderr\n"
      "  --help                 show this text\n"
      "  --version              show the version and git revision\n"
      "\n"
      "models (all drive the same HTTP core):\n";
  for (const models::ModelInfo& m : models::all_models()) {
    text += "  ";
    text += m.name;
    text.append(m.name.size() < 11 ? 11 - m.name.size() : 1, ' ');
    text += m.summary;
    text += '\n';
  }
  text +=
      "\n"
      "Prints 'listening on http://HOST:PORT' once ready; SIGINT/SIGTERM stop it\n"
      "gracefully. Bad options or an unreadable root exit with status 2.\n";
  return text;
}

std::string version_text() { return "h1ref " H1_VERSION " (git " H1_GIT_REVISION ")\n"; }

}  // namespace h1::cli
