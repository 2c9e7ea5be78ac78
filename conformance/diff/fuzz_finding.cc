#include "diff/fuzz_finding.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "spec/hash.h"

namespace h1spec::fuzz {

namespace {

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

// One byte in an http block, where CRLF is not an option (it ends the line).
std::string block_byte(unsigned char c) {
  switch (c) {
    case '\\':
      return "\\\\";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '{':
      return "\\x7b";  // never the start of a {{template}}
    default:
      break;
  }
  if (c < 0x20 || c >= 0x7f) return hex_byte(c);
  return std::string(1, static_cast<char>(c));
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string expect_block(const Outcome& oracle) {
  std::string out;
  for (const int status : oracle.statuses) {
    out += "response\nstatus ";
    out += std::to_string(status);
    out += '\n';
  }
  if (oracle.statuses.empty()) out += "no-response\n";
  if (oracle.end == End::closed || oracle.end == End::reset || oracle.statuses.empty()) {
    out += "connection closed\n";
  }
  return out;
}

std::string what_happened(std::string_view who, const Outcome& o) {
  std::string s(who);
  if (o.statuses.empty()) {
    s += " sent no response";
  } else {
    s += " answered";
    for (const int status : o.statuses) {
      s += ' ';
      s += std::to_string(status);
    }
  }
  s += o.malformed ? ", then bytes that are not a response," : "";
  s += ", and the connection ended: ";
  s += to_string(o.end);
  return s;
}

}  // namespace

std::string field_names_key(std::string_view bytes) {
  std::set<std::string> names;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t lf = bytes.find('\n', at);
    const std::size_t end = lf == std::string_view::npos ? bytes.size() : lf + 1;
    const std::string_view line = bytes.substr(at, end - at);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0 && line.find(' ') > colon) {
      std::string name(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      names.insert(name);
    }
    at = end;
  }
  std::string key;
  for (const std::string& n : names) key += n + ",";
  return key;
}

std::string finding_key(const Difference& d, std::string_view bytes) {
  return d.signature() + "|" + field_names_key(bytes);
}

std::string finding_hash(std::string_view key) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08X", static_cast<unsigned>(fnv1a(key) >> 32));
  return buf;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string http_block_lines(std::string_view bytes) {
  std::string out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t crlf = bytes.find("\r\n", at);
    const std::size_t end = crlf == std::string_view::npos ? bytes.size() : crlf;
    for (std::size_t i = at; i < end; ++i) {
      const auto c = static_cast<unsigned char>(bytes[i]);
      if (c == '\n') {
        out += "\\n\\\n";  // a bare LF: the escape, then a join
      } else {
        out += block_byte(c);
      }
    }
    if (crlf == std::string_view::npos) {
      out += "\\\n";  // no line break after the last bytes
      break;
    }
    out += "\n";
    at = crlf + 2;
  }
  return out;
}

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += block_byte(c);
    }
  }
  return out;
}

std::string case_markdown(const Finding& f) {
  const Difference& d = f.difference;
  const auto verb = [](const std::string& token) {
    return token == "A" ? "accepts" : token == "end" ? "stops" : "rejects";
  };
  std::ostringstream md;
  md << "### " << f.id << ": " << to_string(d.kind) << ", the target " << verb(d.target)
     << " where h1ref " << verb(d.oracle) << "\n\n";
  md << "Found by `h1spec fuzz --seed " << f.run_seed << "` (mutant " << f.index << ", from case "
     << (f.seed != nullptr ? f.seed->id : "?") << " by " << f.original.ops << "), minimised from "
     << f.original.bytes.size() << " to " << f.minimal.bytes.size() << " bytes. "
     << what_happened(f.target_name.empty() ? "The target" : f.target_name, f.target) << "; "
     << what_happened("h1ref", f.oracle) << ". They part at response " << d.at + 1 << ": `"
     << d.target << "` against `" << d.oracle << "`.";
  if (f.crash) md << " After this input the target stopped answering.";
  md << "\n\nThe quote below is the seed case's; check that it is the sentence that decides "
        "this request before adding the case.\n\n";
  if (f.seed != nullptr && !f.seed->rfc.empty()) {
    md << "> " << f.seed->rfc << ": \"" << f.seed->quote << "\"\n\n";
  }
  md << "meta: level=" << (d.kind == Kind::strictness ? "SHOULD" : "MUST") << " tags=fuzz,"
     << to_string(d.kind)
     << " close=after-send split=no why-no-split=\"the fuzzer sent these writes\"\n\n";
  std::size_t from = 0;
  std::vector<std::size_t> ends = f.minimal.cuts;
  ends.push_back(f.minimal.bytes.size());
  for (const std::size_t to : ends) {
    if (to <= from) continue;
    md << "```http\n"
       << http_block_lines(std::string_view(f.minimal.bytes).substr(from, to - from)) << "```\n\n";
    from = to;
  }
  md << "```expect\n" << expect_block(f.oracle) << "```\n";
  return md.str();
}

std::string finding_json(const Finding& f) {
  nlohmann::json j;
  j["id"] = f.id;
  j["kind"] = std::string(to_string(f.difference.kind));
  j["key"] = f.key;
  j["crash"] = f.crash;
  j["target_name"] = f.target_name;
  j["seed"] = f.run_seed;
  j["index"] = f.index;
  j["seed_case"] = f.seed != nullptr ? f.seed->id : "";
  j["mutations"] = f.original.ops;
  j["parts_at"] = f.difference.at;
  j["target_token"] = f.difference.target;
  j["oracle_token"] = f.difference.oracle;
  j["target"] = {{"statuses", f.target.statuses},
                 {"end", std::string(to_string(f.target.end))},
                 {"malformed", f.target.malformed}};
  j["oracle"] = {{"statuses", f.oracle.statuses},
                 {"end", std::string(to_string(f.oracle.end))},
                 {"malformed", f.oracle.malformed}};
  j["minimal"] = {{"hex", hex(f.minimal.bytes)},
                  {"escaped", escape_bytes(f.minimal.bytes)},
                  {"writes_at", f.minimal.cuts}};
  j["original"] = {{"hex", hex(f.original.bytes)},
                   {"escaped", escape_bytes(f.original.bytes)},
                   {"writes_at", f.original.cuts}};
  return j.dump(2) + "\n";
}

}  // namespace h1spec::fuzz
