#include "io/setup_result.h"

#include <cstring>

namespace h1::io {

std::string errno_message(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace h1::io
