// `h1spec fuzz --via`, part 3: the framing-heavy seeds added to the case corpus's seeds when
// fuzzing through a proxy. Pure. The corpus's raw cases are mostly single requests without a
// body; through a proxy the interesting inputs are bodies and the message after them, so these
// seeds carry Content-Length and chunked bodies, chunk extensions and trailers, pipelined
// pairs, and the CL+TE and TE.CL shapes with a second request behind the first: a proxy that
// frames one of them differently from h1spec forwards something the client never sent, and
// the fuzzer meets that by construction in its first inputs instead of by luck.
#pragma once

#include <vector>

#include "diff/fuzz_mutate.h"

namespace h1spec::fuzz {

// The extra seeds, ids "VIA-SEED-*", Host kFuzzHost; each quotes the RFC sentence it is about.
[[nodiscard]] std::vector<Seed> via_seeds();

}  // namespace h1spec::fuzz
