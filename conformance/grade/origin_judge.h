// Grades what reached the recording origin behind a proxy against a case's ```origin-expect
// block (conformance/README.md, "Proxy cases"). Pure: the runner records the requests and
// hands them over.
#pragma once

#include <string>
#include <vector>

#include "grade/judge.h"
#include "spec/case_origin.h"
#include "wire/http_request.h"

namespace h1spec {

// at_origin: every request that reached the origin during one replay, over all back-end
// connections, in arrival order, up to the end of the case's own exchange (the runner's
// canaries, which also pass through a proxy, are not part of it).
//
// Returns PASS when a plain alternative matches, WARN (with the alternative's reason) when
// only an `or warn` one does, else FAIL with the first mismatch of the alternative that got
// furthest, e.g. "request 1: header connection should be absent, was \"keep-alive, x-a\"" or
// "2 requests reached the origin, expected 1". The case's level is not applied here: the
// runner combines this with the client-side judgement as it does for MAY and SHOULD cases.
//
// Matching: the count first, then request k against the k-th description. Method, target
// and version compare exactly (methods are case-sensitive, RFC 9110 §9.1); field names
// case-insensitively; a field sent several times is judged on its values joined with ", "
// (RFC 9110 §5.3); bodies compare the decoded bytes (chunked framing undone).
//
// unreadable: the strict reader's error for each back-end connection whose bytes stopped
// being a valid request before that connection ended (a message cut short by a close is not
// one). Such bytes were forwarded, so no alternative matches: "Senders MUST NOT generate
// protocol elements that do not match the grammar" (RFC 9110 §2.2), and a proxy that passes
// on obs-fold, a bare LF or a NUL has forwarded what it should have rejected or repaired.
[[nodiscard]] Judgement judge_origin(const OriginExpect& expect,
                                     const std::vector<Request>& at_origin,
                                     const std::vector<std::string>& unreadable = {});

// The value of field name in r (every line of it joined with ", "), or false if absent.
[[nodiscard]] bool combined_field(const Request& r, std::string_view name, std::string& value);

}  // namespace h1spec
