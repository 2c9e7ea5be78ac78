// The recording origin's answer to a request past its script when it has a document root:
// a small static file server, so that the runner's canary (GET /index.html) and capability
// probes get the same answer through a proxy as from a target serving that root.
#pragma once

#include <string>

#include "wire/http_request.h"

namespace h1spec::origin {

// GET or HEAD of a regular file under root: 200 with Content-Length (the body left out for
// HEAD). "/" means "/index.html"; the query is ignored. A target with a ".." segment, a
// backslash, a NUL or percent-encoding, a missing file, or any other method: 404 (405 for
// other methods), each with a short text body and its Content-Length. Never reads outside
// root.
[[nodiscard]] std::string docroot_reply(const std::string& root, const Request& request);

}  // namespace h1spec::origin
