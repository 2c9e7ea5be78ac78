// The faults that h1fault injects, each a classic defect of tutorial web servers, and
// the head rewrites that produce them. None of this is ever part of h1ref: it exists so the
// conformance suite can be shown to fail when a server is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace h1spec::faulty {

enum class Fault : std::uint8_t {
  none,                ///< transparent relay: the suite must pass exactly as against h1ref
  no_content_length,   ///< responses lose Content-Length, so bodies cannot be delimited
  ignore_close,        ///< "Connection: close" is dropped both ways and never honoured
  read_1024,           ///< only the first 1024 bytes a client sends are ever read
  space_before_colon,  ///< "Name :value" is accepted as "Name:value"
  cl_te,               ///< Content-Length next to Transfer-Encoding is dropped, not refused
  traversal,           ///< targets with ".." are served from root + path, unnormalised
  head_body,           ///< HEAD is answered like GET, body included
  not_found_200,       ///< a missing file is answered "200 OK"
  no_date,             ///< responses carry no Date field
};

// How many bytes the read-1024 fault reads from a connection before it stops listening.
inline constexpr std::size_t kReadOnce = 1024;

// The fault named on the command line (e.g. "cl-te"), or nullopt for an unknown name.
[[nodiscard]] std::optional<Fault> parse_fault(std::string_view name);

// All fault names, comma-separated, for the usage message.
[[nodiscard]] std::string fault_names();

// True when the fault edits request heads, so each head must be held until it is complete.
[[nodiscard]] bool holds_requests(Fault fault);

// True when the fault edits response heads, so each head must be held until it is complete.
[[nodiscard]] bool holds_responses(Fault fault);

// The complete request head as the fault forwards it upstream.
[[nodiscard]] std::string rewrite_request(Fault fault, std::string_view head);

// The complete response head as the fault relays it to the client.
[[nodiscard]] std::string rewrite_response(Fault fault, std::string_view head);

// True when a request-target's path climbs with "..", raw or percent-encoded, or holds a
// backslash: the requests the traversal fault answers itself.
[[nodiscard]] bool escapes_root(std::string_view target);

// The whole response of a naive file server: root + percent-decoded path, no normalisation,
// 200 with an exact Content-Length, or 404 when the file cannot be read.
[[nodiscard]] std::string serve_naively(const std::string& root, std::string_view target,
                                        bool head_only);

}  // namespace h1spec::faulty
