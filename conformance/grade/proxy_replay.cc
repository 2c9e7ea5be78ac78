#include "grade/proxy_replay.h"

#include "grade/origin_judge.h"
#include "wire/request_reader.h"

namespace h1spec {

namespace {

using namespace std::chrono_literals;

// After the client's exchange, the origin is watched until it has been quiet this long, so a
// forward that arrives late still counts; never longer than kSettleMax in all.
constexpr auto kQuiet = 150ms;
constexpr auto kSettleMax = 2s;

origin::Snapshot settled_snapshot(const origin::RecordingOrigin& o) {
  const auto until = Clock::now() + kSettleMax;
  std::uint64_t seen = o.snapshot().generation;
  while (Clock::now() < until) {
    const std::uint64_t now = o.wait_for_change(seen, kQuiet);
    if (now == seen) break;
    seen = now;
  }
  return o.snapshot();
}

std::size_t final_count(const Observation& obs) {
  std::size_t n = 0;
  for (const Response& r : obs.responses) n += r.interim() ? 0 : 1;
  return n;
}

// The origin-expect judgement with the case's level applied, as judge() applies it.
Judgement origin_judgement(const Case& c, const std::vector<Request>& at_origin,
                           const std::vector<std::string>& unreadable, Profile profile) {
  if (!c.origin_expect) return {Verdict::pass, {}};
  Judgement j = judge_origin(*c.origin_expect, at_origin, unreadable);
  if (j.verdict != Verdict::fail) return j;
  if (c.level == Level::may) return {Verdict::warn, "MAY: " + j.reason};
  if (c.level == Level::should && profile == Profile::lenient) {
    return {Verdict::warn, "SHOULD: " + j.reason};
  }
  return j;
}

// The reader's error for each connection whose bytes went wrong before they ended: read again
// as if more could follow, so that a request cut short by a close (a proxy giving up on a body
// its client abandoned) is not counted.
std::vector<std::string> unreadable_messages(const origin::Snapshot& s) {
  std::vector<std::string> out;
  for (const origin::RecordedConnection& c : s.connections) {
    if (!c.malformed() || c.truncated) continue;
    const RequestReadResult r =
        read_request(std::string_view(c.received).substr(c.error_offset), false);
    if (r.status == ReadStatus::malformed) out.push_back(c.error);
  }
  return out;
}

int rank(Verdict v) { return v == Verdict::fail ? 2 : v == Verdict::warn ? 1 : 0; }

}  // namespace

origin::Script origin_script(const Case& c, std::string_view host) {
  origin::Script s;
  s.relay = !c.has_tag("proxy");  // an origin case is answered by the back end, if any
  for (const OriginReply& r : c.origin_replies) {
    origin::Reply reply;
    reply.bytes = expand_host(r.bytes, host);
    reply.after = !r.close              ? origin::AfterReply::keep_open
                  : reply.bytes.empty() ? origin::AfterReply::close_without_reply
                                        : origin::AfterReply::close;
    s.replies.push_back(std::move(reply));
  }
  return s;
}

ReplayRecord replay_through_proxy(const Case& c, std::string_view host,
                                  origin::RecordingOrigin& origin, const RunOptions& opts,
                                  const ClientSide& client) {
  // Something reached the origin after the last exchange was judged (a canary, or a proxy
  // forwarding late): let it finish before the reset, so it does not spill into this one.
  if (origin.snapshot().generation != origin.noted_generation()) (void)settled_snapshot(origin);
  origin.reset();
  origin.set_script(origin_script(c, host));
  std::optional<origin::Snapshot> at_end;
  std::size_t finals = 0;
  ReplayRecord rec = client([&](const ClientNow& client_now) {
    if (at_end) return;
    at_end = settled_snapshot(origin);
    finals = final_count(client_now());
  });
  OriginView view;
  view.snapshot = at_end ? std::move(*at_end) : origin.snapshot();
  if (!c.has_tag("proxy") || rec.judgement.verdict == Verdict::error) {
    rec.origin = std::move(view);
    return rec;
  }
  std::vector<Request> at_origin;
  for (const origin::RecordedRequest* r : view.snapshot.in_order()) at_origin.push_back(r->request);
  view.graded = true;
  view.judgement = origin_judgement(c, at_origin, unreadable_messages(view.snapshot), opts.profile);
  const ClientRequests sent = client_requests(rec.sent);
  view.smuggling = smuggling_oracle(
      {sent.requests, sent.fully_parsed, finals, at_origin, origin.earlier_client_requests()});
  origin.note_client_requests(sent.requests, view.snapshot.generation);
  if (view.smuggling.verdict != SmugglingVerdict::none) {
    rec.judgement = {Verdict::fail,
                     std::string(to_string(view.smuggling.verdict)) + ": " + view.smuggling.reason};
  } else if (rank(view.judgement.verdict) > rank(rec.judgement.verdict)) {
    rec.judgement = {view.judgement.verdict, "at the origin: " + view.judgement.reason};
  } else if (rec.judgement.verdict == Verdict::fail && view.judgement.verdict == Verdict::fail) {
    rec.judgement.reason += "; at the origin: " + view.judgement.reason;
  }
  rec.origin = std::move(view);
  return rec;
}

void mark_smuggling(CaseResult& result) {
  for (const SmugglingVerdict want : {SmugglingVerdict::smuggled, SmugglingVerdict::desync}) {
    for (const ReplayRecord& r : result.replays) {
      if (!r.origin || r.origin->smuggling.verdict != want) continue;
      result.smuggling = want;
      result.smuggling_reason =
          std::string(to_string(r.mode)) + " replay: " + r.origin->smuggling.reason;
      result.verdict = Verdict::fail;
      result.reason = std::string(to_string(want)) + " (" + result.smuggling_reason + ")";
      return;
    }
  }
}

}  // namespace h1spec
