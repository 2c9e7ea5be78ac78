// Where h1spec's data lives. An installed h1spec finds share/h1spec/{cases,waivers,html}
// beside its own bin/ (read from /proc/self/exe), so a moved prefix still works; a build in
// the source tree falls back to the paths compiled in by CMake. Flags override both.
#pragma once

#include <string>

namespace h1spec {

struct DataDirs {
  std::string cases;
  std::string waivers;
  std::string docroot;
  std::string h1ref;  ///< the oracle `h1spec fuzz` starts: bin/h1ref beside h1spec
};

[[nodiscard]] DataDirs find_data_dirs();

}  // namespace h1spec
