// One replay through a reverse proxy with the recording origin behind it: the origin is reset
// and scripted from the case, the client side runs as for any case, then both sides are judged
// and the smuggling oracle compares them (conformance/README.md, "Proxy cases").
#pragma once

#include <functional>

#include "grade/runner.h"

namespace h1spec {

// Called by the client side once the case's own exchange is over, before any canary: the
// origin's view is taken then. client_now() then reads, without waiting, what reached the
// client meanwhile, and returns what the client saw up to that point.
using ClientNow = std::function<const Observation&()>;
using ExchangeEnd = std::function<void(const ClientNow& client_now)>;
// Runs the client side of one replay, calling the ExchangeEnd once (or not at all when it
// could not connect).
using ClientSide = std::function<ReplayRecord(const ExchangeEnd&)>;

// The origin's script for a case: its ```origin-reply blocks in order, "{{host}}" expanded to
// host (the proxy's authority, as in ```http blocks); "close" with bytes closes after them,
// "close" without bytes closes without replying. A case without the proxy tag (an origin case)
// asks for relaying to the origin's back end instead (origin::Script::relay).
[[nodiscard]] origin::Script origin_script(const Case& c, std::string_view host);

// Resets and scripts origin, runs client, and grades: for a proxy case (tag proxy), the client
// judgement, judge_origin on the requests recorded until the exchange ended (level applied as
// judge() does), and the smuggling oracle; SMUGGLED or DESYNC make the replay FAIL. Any other
// case (an origin case relayed to a back end) keeps its client judgement and gets the view.
[[nodiscard]] ReplayRecord replay_through_proxy(const Case& c, std::string_view host,
                                                origin::RecordingOrigin& origin,
                                                const RunOptions& opts, const ClientSide& client);

// Sets result.smuggling (SMUGGLED before DESYNC, the first replay that shows it) and turns the
// result into a FAIL that says so.
void mark_smuggling(CaseResult& result);

}  // namespace h1spec
