#include "fault_proxy/proxy_fault.h"

#include <catch2/catch.hpp>
#include <string>

using namespace h1spec::faulty;

TEST_CASE("every proxy fault name parses back to its fault, in --help", "[faulty_proxy]") {
  const std::string names = proxy_fault_names();
  const std::string help = proxy_fault_help();
  int count = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = names.find(", ", start);
    const std::string name = names.substr(start, comma - start);
    INFO(name);
    const auto fault = parse_proxy_fault(name);
    REQUIRE(fault.has_value());
    CHECK(help.find("  " + name + " ") != std::string::npos);
    ProxyFaults set;
    set.set(*fault);
    CHECK(set.has(*fault));
    CHECK_FALSE(set.none());
    ++count;
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  CHECK(count == static_cast<int>(ProxyFault::count));
  CHECK(count >= 8);
  CHECK_FALSE(parse_proxy_fault("cl-te").has_value());  // a relay fault, not a proxy fault
  CHECK(ProxyFaults{}.none());
}
