#include "core/error_status.h"

namespace h1::core {

int status_for(http::ParseError e) noexcept {
  using http::ParseError;
  switch (e) {
    case ParseError::target_too_long:
      return 414;  // RFC 9110 §15.5.15
    case ParseError::field_line_too_long:
    case ParseError::too_many_fields:
    case ParseError::head_too_large:
      return 431;                              // RFC 6585 §5
    case ParseError::method_too_long:          // longer than any method this server implements
    case ParseError::unknown_transfer_coding:  // RFC 9112 §6.1
      return 501;
    case ParseError::unsupported_version:
      return 505;  // RFC 9110 §15.6.6
    default:
      return 400;
  }
}

}  // namespace h1::core
