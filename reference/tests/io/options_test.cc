// Tests reference/options.cc (the h1ref command line). It lives with the io tests because
// that is the unit-test glob; the integration CMakeLists adds options.cc to the target.
#include "options.h"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "h1_version.h"

namespace h1::cli {
namespace {

using std::chrono::milliseconds;

ParsedOptions parse(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> v(args);
  return parse_options(v);
}

TEST_CASE("defaults", "[options]") {
  const ParsedOptions p = parse({});
  REQUIRE(p.ok());
  CHECK(p.options.root == "html");
  CHECK(p.options.host == "127.0.0.1");
  CHECK(p.options.port == 8080);
  CHECK(p.options.model == "epoll");
  CHECK(p.options.workers >= 1);
  CHECK(p.options.max_connections == 0);
  CHECK(p.options.access_log.empty());
  CHECK_FALSE(p.options.quiet);
  CHECK_FALSE(p.options.help);
  CHECK_FALSE(p.options.version);
}

TEST_CASE("every flag in both spellings", "[options]") {
  const ParsedOptions a =
      parse({"--root", "www", "--host", "0.0.0.0", "--port", "0", "--model", "epoll", "--workers",
             "3", "--max-connections", "100", "--idle-timeout", "5", "--header-timeout", "0.25",
             "--access-log", "-", "--quiet"});
  const ParsedOptions b = parse({"--root=www", "--host=0.0.0.0", "--port=0", "--model=epoll",
                                 "--workers=3", "--max-connections=100", "--idle-timeout=5",
                                 "--header-timeout=0.25", "--access-log=-", "--quiet"});
  for (const ParsedOptions* p : {&a, &b}) {
    REQUIRE(p->ok());
    CHECK(p->options.root == "www");
    CHECK(p->options.host == "0.0.0.0");
    CHECK(p->options.port == 0);
    CHECK(p->options.workers == 3);
    CHECK(p->options.max_connections == 100);
    CHECK(p->options.idle_timeout == milliseconds(5000));
    CHECK(p->options.header_timeout == milliseconds(250));
    CHECK(p->options.access_log == "-");
    CHECK(p->options.quiet);
  }
}

TEST_CASE("later flags win and --help stops parsing", "[options]") {
  CHECK(parse({"--port", "1", "--port=2"}).options.port == 2);
  const ParsedOptions h = parse({"--help", "--bogus"});
  CHECK(h.ok());
  CHECK(h.options.help);
  CHECK(parse({"-h"}).options.help);
  CHECK(usage().find("--max-connections") != std::string_view::npos);
}

TEST_CASE("the --version flag stops parsing, and --help lists it", "[options]") {
  const ParsedOptions v = parse({"--version", "--bogus"});
  CHECK(v.ok());
  CHECK(v.options.version);
  CHECK_FALSE(v.options.help);
  CHECK(parse({"--port", "1", "--version"}).options.version);
  CHECK(parse({"--version=1"}).error.find("takes no value") != std::string::npos);
  CHECK(usage().find("  --version ") != std::string::npos);
}

TEST_CASE("the version line names the version and the git revision", "[options]") {
  const std::string line = version_text();
  CHECK(line == std::string("h1ref ") + H1_VERSION + " (git " + H1_GIT_REVISION + ")\n");
  // cmake/version.cmake: the project version, and 12 hex digits (with -dirty for a modified
  // tree) or "unknown" outside a git checkout.
  INFO(line);
  CHECK(std::regex_match(
      line,
      std::regex(R"(h1ref [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)\n)")));
}

TEST_CASE("bad flags and values give one-line errors", "[options]") {
  struct Bad {
    std::vector<std::string_view> args;
    std::string_view needle;
  };
  const std::vector<Bad> cases = {
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"stray"}, "unexpected argument 'stray'"},
      {{"--port"}, "needs a value"},
      {{"--port", "65536"}, "--port"},
      {{"--port", "-1"}, "--port"},
      {{"--port", "80x"}, "--port"},
      {{"--port="}, "--port"},
      {{"--model", "uring"}, "unknown model 'uring'"},
      {{"--workers", "0"}, "--workers"},
      {{"--host", "localhost"}, "IPv4"},
      {{"--host", "1.2.3"}, "IPv4"},
      {{"--host", "1.2.3.256"}, "IPv4"},
      {{"--host", "01.2.3.4"}, "IPv4"},
      {{"--host", "1.2.3.4."}, "IPv4"},
      {{"--idle-timeout", "0"}, "--idle-timeout"},
      {{"--idle-timeout", "1.2345"}, "--idle-timeout"},
      {{"--idle-timeout", "1."}, "--idle-timeout"},
      {{"--header-timeout", "abc"}, "--header-timeout"},
      {{"--cache-ttl", "-1"}, "--cache-ttl"},
      {{"--cache-ttl", "0.0001"}, "--cache-ttl"},
      {{"--root="}, "--root"},
      {{"--access-log="}, "--access-log"},
      {{"--quiet=yes"}, "takes no value"},
      {{"--help=1"}, "takes no value"},
      {{"--max-connections", "many"}, "--max-connections"},
  };
  for (const Bad& c : cases) {
    const ParsedOptions p = parse_options(c.args);
    INFO(c.args.front() << " -> " << p.error);
    CHECK_FALSE(p.ok());
    CHECK(p.error.find(c.needle) != std::string::npos);
    CHECK(p.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("seconds accept up to three decimals", "[options]") {
  CHECK(parse({"--idle-timeout", "0.5"}).options.idle_timeout == milliseconds(500));
  CHECK(parse({"--idle-timeout", "2.05"}).options.idle_timeout == milliseconds(2050));
  CHECK(parse({"--idle-timeout", "0.001"}).options.idle_timeout == milliseconds(1));
  CHECK(parse({"--idle-timeout", "86400"}).ok());
  CHECK_FALSE(parse({"--idle-timeout", "86401"}).ok());
}

TEST_CASE("the cache ttl takes seconds, and 0 turns the cache off", "[options]") {
  CHECK(parse({}).options.cache_ttl == milliseconds(1000));
  CHECK(parse({"--cache-ttl", "0"}).options.cache_ttl == milliseconds(0));
  CHECK(parse({"--cache-ttl=0.25"}).options.cache_ttl == milliseconds(250));
  CHECK(parse({"--cache-ttl", "5"}).options.cache_ttl == milliseconds(5000));
}

}  // namespace
}  // namespace h1::cli
