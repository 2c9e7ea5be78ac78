// Conformance cases as written in conformance/cases/*.md, and their parser.
// The grammar is defined in conformance/README.md; this parser is pure (no I/O).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/case_origin.h"
#include "spec/case_parts.h"

namespace h1spec {

enum class Level : std::uint8_t { must, should, may };
enum class Transport : std::uint8_t { raw, client };
enum class CloseAction : std::uint8_t { none, after_send, mid_request, mid_response };
enum class ConnectionExpect : std::uint8_t { unchecked, open, closed };

struct StatusSet {
  std::vector<int> codes;    ///< exact codes
  std::vector<int> classes;  ///< 1..5 for "1xx".."5xx"
  [[nodiscard]] bool matches(int status) const;
  [[nodiscard]] std::string describe() const;
};

struct ExpectedResponse {
  bool head = false;    ///< answers a HEAD request: no body follows the head
  std::string version;  ///< e.g. "HTTP/1.1"; empty: not checked
  std::optional<StatusSet> status;
  std::vector<HeaderCheck> headers;
  BodyCheck body;
};

struct Alternative {
  bool warn = false;
  std::string warn_reason;
  bool no_response = false;
  bool cut_response = false;  ///< a response head came, then the close cut its body short
  std::vector<ExpectedResponse> responses;
  ConnectionExpect connection = ConnectionExpect::unchecked;
  bool server_alive = false;
  int line = 0;
};

// An optional feature a case depends on. A target found without it gets N/A for the case,
// because the RFC lets a server leave it out (see conformance/README.md).
enum class Capability : std::uint8_t {
  range,       ///< byte ranges: "A server MAY ignore the Range header field" (RFC 9110 §14.2)
  options,     ///< OPTIONS: all methods but GET and HEAD are OPTIONAL (RFC 9110 §9.1)
  validators,  ///< a Last-Modified date, without which If-Modified-Since is ignored (§13.1.3)
};
[[nodiscard]] std::string_view to_string(Capability c);
// Parses "range", "options" or "validators".
[[nodiscard]] bool parse_capability(std::string_view text, Capability& out);

struct Case {
  std::string id;
  std::string title;
  std::string topic;  ///< the file's "# " title
  std::string file;   ///< file name, e.g. "fields.md"
  int line = 0;       ///< line of the "### " heading
  std::string rfc;    ///< e.g. "RFC 9112 §5.1"
  std::string quote;  ///< the quoted sentence
  std::string prose;  ///< the explanation paragraphs
  Level level = Level::must;
  std::vector<std::string> tags;
  Transport transport = Transport::raw;
  bool split = true;
  std::string why_no_split;
  CloseAction close = CloseAction::none;
  int timeout_ms = 0;              ///< 0: the runner's default
  std::vector<Capability> needs;   ///< capabilities the case depends on
  std::vector<std::string> sends;  ///< one entry per write; "{{host}}" still unexpanded
  std::vector<Alternative> alternatives;
  // Proxy cases only (tag "proxy"): the recording origin's replies, in order, and what must
  // reach it. Cases without these blocks leave them empty.
  std::vector<OriginReply> origin_replies;
  std::optional<OriginExpect> origin_expect;
  [[nodiscard]] bool has_tag(std::string_view tag) const;
};

struct CaseFile {
  std::string topic;
  std::vector<Case> cases;
  std::vector<CaseFileError> errors;
};

// Parses one case file's text. file_name is used in errors and as the "file" of cases.
[[nodiscard]] CaseFile parse_case_file(std::string_view text, std::string_view file_name);

// Applies the byte rules to the lines of an http block (or to one quoted string when
// single_line is true). Returns false and sets error on a bad escape or template, and
// *bad_line to the index of the line that holds it.
[[nodiscard]] bool decode_bytes(const std::vector<std::string>& lines, std::string& out,
                                std::string& error, std::size_t* bad_line = nullptr);

// Decodes the escapes and templates of s, one line of text (no line structure), into out.
[[nodiscard]] bool decode_escapes(std::string_view s, std::string& out, std::string& error);

// Replaces every "{{host}}" in bytes with host.
[[nodiscard]] std::string expand_host(std::string_view bytes, std::string_view host);

[[nodiscard]] std::string_view to_string(Level level);

}  // namespace h1spec
