// Replays cases against targets: raw bytes whole and split, or well-formed requests through
// cpp-httplib; observes the responses and the connection; hands the rest to the judge.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "grade/capabilities.h"
#include "grade/judge.h"
#include "grade/smuggling_oracle.h"
#include "origin/recording_origin.h"
#include "spec/case_file.h"
#include "wire/wire_connection.h"

namespace h1spec {

enum class Replay : std::uint8_t { whole, bytewise, random_split, client };
[[nodiscard]] std::string_view to_string(Replay r);

struct RunOptions {
  std::vector<Endpoint> targets;
  Profile profile = Profile::rfc;
  std::chrono::milliseconds timeout{1500};
  bool split = true;
  unsigned jobs = 8;
  std::uint64_t seed = 1;
  bool probe = true;  ///< probe each target's capabilities before grading
  /// Proxy mode (h1spec --proxy): origins[t] is the recording origin behind targets[t]. Each
  /// target's cases then run one at a time (its origin records everything), targets in
  /// parallel. Empty: no proxies, and run_cases must not be given proxy cases.
  std::vector<origin::RecordingOrigin*> origins;
};

// The far side of one replay through a proxy (grade/proxy_replay.h).
struct OriginView {
  origin::Snapshot snapshot;  ///< what reached the origin until the client's exchange ended
  bool graded = false;        ///< a proxy case: judged and given to the smuggling oracle
  Judgement judgement;        ///< the ```origin-expect judgement, level applied (PASS if none)
  SmugglingFinding smuggling;
};

struct ReplayRecord {
  Replay mode = Replay::whole;
  std::size_t split_at = 0;  ///< random_split: the first segment's size
  std::string sent;
  std::string received;
  Judgement judgement;               ///< with an origin: both sides and the oracle combined
  std::optional<OriginView> origin;  ///< set when the target is a proxy
};

struct CaseResult {
  const Case* test = nullptr;
  std::size_t target = 0;  ///< index into RunOptions::targets
  Verdict verdict = Verdict::error;
  std::string reason;
  std::vector<ReplayRecord> replays;
  double seconds = 0;
  /// SMUGGLED or DESYNC in any replay: a FAIL whatever the level, a danger in every report,
  /// counted as a MUST failure. smuggling_reason says which replay and why.
  SmugglingVerdict smuggling = SmugglingVerdict::none;
  std::string smuggling_reason;
  [[nodiscard]] bool danger() const { return smuggling != SmugglingVerdict::none; }
};

// May adjust the result (waivers) before it is stored for good.
using ResultSink = std::function<void(CaseResult&, std::size_t done, std::size_t total)>;
using ProbeSink =
    std::function<void(std::size_t target, Capability missing, const std::string& why)>;

// Runs every case against every target on opts.jobs threads, after probing each target's
// capabilities (opts.probe; on_probe hears of each absent one). on_result is called once per
// result, serialised, as results arrive. Results come back in case-major order.
[[nodiscard]] std::vector<CaseResult> run_cases(const std::vector<const Case*>& cases,
                                                const RunOptions& opts, ExpectedFiles& files,
                                                const ResultSink& on_result,
                                                const ProbeSink& on_probe = {});

// Runs one case against one target (all its replays). With caps, a case that needs a
// capability the target lacks is N/A without being sent.
[[nodiscard]] CaseResult run_case(const Case& c, std::size_t target, const RunOptions& opts,
                                  ExpectedFiles& files, const Capabilities* caps = nullptr);

}  // namespace h1spec
