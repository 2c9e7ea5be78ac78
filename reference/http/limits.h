// Every size limit of the parsers, as named fields so that callers and tests can tune them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace h1::http {

struct Limits {
  std::size_t max_method = 32;             ///< bytes in the method token
  std::size_t max_target = 8192;           ///< bytes in the request-target (414 beyond)
  std::size_t max_field_line = 8192;       ///< bytes in one field line, CRLF excluded (431 beyond)
  std::size_t max_fields = 100;            ///< field lines in a head (431 beyond)
  std::size_t max_head = 16384;            ///< bytes in the whole head, CRLFs included (431 beyond)
  std::size_t max_chunk_extension = 1024;  ///< bytes of extensions on one chunk line
  std::size_t max_trailer = 8192;          ///< bytes in the trailer section
  std::uint64_t max_chunk_size = (std::uint64_t{1} << 62);  ///< largest accepted chunk-size
};

}  // namespace h1::http
