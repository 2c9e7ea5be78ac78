// What the recording origin saw, as JSON: one object per event, for h1origin's log (one per
// line) and for reports. Byte strings (target, field values, bodies) are exact: each byte
// becomes the code point of the same value (Latin-1), so any byte survives the JSON text and
// ASCII reads as itself.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "origin/recording_origin.h"

namespace h1spec::origin {

// Each byte as the code point of its value, UTF-8 encoded (the inverse of reading each code
// point of the JSON string back as one byte).
[[nodiscard]] std::string bytes_as_text(std::string_view bytes);

// {"event":"request","connection","index","method","target","version","fields":[[n,v]...],
//  "framing":"none|content-length|chunked","body","trailers","begin","end",
//  "leading_empty_lines"}
[[nodiscard]] nlohmann::json request_json(const RecordedRequest& r);

// {"event":"malformed","connection","offset","error"}: the connection's read error.
[[nodiscard]] nlohmann::json malformed_json(const RecordedConnection& c);

}  // namespace h1spec::origin
