#include "http/target.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using h1::http::is_normalized;
using h1::http::normalize_path;
using h1::http::TargetError;

namespace {

struct Outcome {
  TargetError error;
  std::string path;
};

Outcome normalize(std::string_view in) {
  std::string out(in.size(), '\0');
  const auto r = normalize_path(in, out);
  out.resize(r.length);
  return {r.error, out};
}

void require_ok(std::string_view in, std::string_view expected) {
  INFO("input: " << std::string(in));
  const Outcome o = normalize(in);
  REQUIRE(o.error == TargetError::none);
  REQUIRE(o.path == expected);
  REQUIRE(is_normalized(o.path));
}

void require_error(std::string_view in, TargetError expected) {
  INFO("input: " << std::string(in));
  const Outcome o = normalize(in);
  REQUIRE(h1::http::to_string(o.error) == h1::http::to_string(expected));
  REQUIRE(o.path.empty());
}

}  // namespace

TEST_CASE("path_of and query_of split at the first '?'", "[target]") {
  using h1::http::path_of;
  using h1::http::query_of;
  CHECK(path_of("/a/b?x=1") == "/a/b");
  CHECK(query_of("/a/b?x=1") == "x=1");
  CHECK(path_of("/a") == "/a");
  CHECK(query_of("/a").empty());
  CHECK(path_of("/a?") == "/a");
  CHECK(query_of("/a?").empty());
  CHECK(query_of("/a?b?c") == "b?c");
  CHECK(path_of("?q").empty());
  CHECK(path_of("").empty());
}

TEST_CASE("ordinary paths are decoded and kept", "[target]") {
  require_ok("/", "/");
  require_ok("/index.html", "/index.html");
  require_ok("/sub/", "/sub/");
  require_ok("/a/b/c.txt", "/a/b/c.txt");
  require_ok("/hello%20world", "/hello world");
  require_ok("/%41%62%63", "/Abc");
  require_ok("/%7e%7E", "/~~");
  require_ok("/caf%C3%A9", "/caf\xC3\xA9");
  require_ok("/raw\xC3\xA9", "/raw\xC3\xA9");
  require_ok("/a%3Fb", "/a?b");
  require_ok("/...", "/...");
  require_ok("/a..", "/a..");
  require_ok("/..a", "/..a");
  require_ok("/.hidden", "/.hidden");
}

TEST_CASE("repeated slashes collapse", "[target]") {
  require_ok("//", "/");
  require_ok("///a//b///", "/a/b/");
  require_ok("/a//", "/a/");
}

TEST_CASE("dot segments are removed and the trailing slash kept", "[target]") {
  require_ok("/.", "/");
  require_ok("/./", "/");
  require_ok("/a/.", "/a/");
  require_ok("/a/./b", "/a/b");
  require_ok("/a/b/..", "/a/");
  require_ok("/a/b/../", "/a/");
  require_ok("/a/b/../c", "/a/c");
  require_ok("/a/..", "/");
  require_ok("/a/../b/./c/../d/", "/b/d/");
  require_ok("/long-name/x/../../y", "/y");
  require_ok("/a/%2e", "/a/");
  require_ok("/a/b/%2e%2e", "/a/");
  require_ok("/a/b/.%2E/c", "/a/c");
}

TEST_CASE("traversal above the root is refused, never clamped", "[target]") {
  for (const char* in :
       {"/..", "/../", "/../x", "/a/../../x", "/%2e%2e/x", "/%2E%2e/", "/.%2e", "/%2e./etc/passwd",
        "/./.././", "/a/b/../../../etc/passwd", "//../x", "/a/./../.."}) {
    require_error(in, TargetError::escapes_root);
  }
}

TEST_CASE("disguised separators and bytes are refused", "[target]") {
  require_error("/..%2fx", TargetError::encoded_slash);
  require_error("/a%2Fb", TargetError::encoded_slash);
  require_error("/a%2fb", TargetError::encoded_slash);
  require_error("/%5c..", TargetError::backslash);
  require_error("/%5C", TargetError::backslash);
  require_error("/a\\b", TargetError::backslash);
  require_error("/..\\x", TargetError::backslash);
  require_error("/%00", TargetError::encoded_nul);
  require_error("/a.html%00.png", TargetError::encoded_nul);
  require_error(std::string_view("/a\0b", 4), TargetError::control_char);
  require_error("/a%0d%0aX", TargetError::control_char);
  require_error("/a\tb", TargetError::control_char);
  require_error("/%7f", TargetError::control_char);
  require_error("/\x7f", TargetError::control_char);
  require_error("/%1F", TargetError::control_char);
}

TEST_CASE("malformed percent-encoding is refused", "[target]") {
  for (const char* in : {"/%", "/%4", "/%G0", "/%0g", "/a%/b", "/a%2/b", "/%%41", "/x%"}) {
    require_error(in, TargetError::bad_percent_encoding);
  }
  // A decoded '%' would decode again on a second pass.
  require_error("/100%25", TargetError::bad_percent_encoding);
  require_error("/%252e%252e/x", TargetError::bad_percent_encoding);
}

TEST_CASE("paths that are not absolute are refused", "[target]") {
  require_error("", TargetError::not_absolute_path);
  require_error("a/b", TargetError::not_absolute_path);
  require_error("*", TargetError::not_absolute_path);
  require_error("http://h/", TargetError::not_absolute_path);
  require_error("%2Fa", TargetError::not_absolute_path);
}

TEST_CASE("an output span that is too small gives too_long", "[target]") {
  const std::string_view in = "/abc/def";
  for (std::size_t n = 0; n < in.size(); ++n) {
    std::string out(n, '\0');
    const auto r = normalize_path(in, std::span<char>(out.data(), n));
    CHECK(r.error == TargetError::too_long);
    CHECK(r.length == 0);
  }
  // Decoding and collapsing need no more room than the result; only out >= path is promised.
  for (const auto& [input, expected] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"/%41%42", "/AB"}, {"/a//b", "/a/b"}, {"//x", "/x"}}) {
    std::string out(expected.size(), '\0');
    const auto r = normalize_path(input, out);
    REQUIRE(r.error == TargetError::none);
    CHECK(std::string_view(out.data(), r.length) == expected);
  }
}

TEST_CASE("normalisation is idempotent and its output is normalised", "[target]") {
  const std::vector<std::string> inputs = {
      "/",        "//",          "/a",        "/a/",         "/a//b",     "/a/./b/",
      "/a/b/..",  "/a/b/../..",  "/%2e",      "/x/%2E%2e/y", "/%41/%42/", "/caf%c3%a9/",
      "/a/.../b", "/.a/..b/c..", "/x/./././", "/q%3Fx",      "/%20"};
  for (const auto& in : inputs) {
    INFO("input: " << in);
    const Outcome once = normalize(in);
    REQUIRE(once.error == TargetError::none);
    REQUIRE(is_normalized(once.path));
    const Outcome twice = normalize(once.path);
    REQUIRE(twice.error == TargetError::none);
    REQUIRE(twice.path == once.path);
  }
}

TEST_CASE("is_normalized checks the post-condition", "[target]") {
  for (const char* p : {"/", "/a", "/a/", "/a/b", "/.a", "/a..", "/...", "/caf\xC3\xA9"}) {
    INFO(p);
    CHECK(is_normalized(p));
  }
  for (const char* p : {"", "a", "//", "/a//b", "/.", "/./", "/..", "/a/..", "/a/./b", "/a\\b",
                        "/a\tb", "/\x7f", "/%41", "/a/../"}) {
    INFO(p);
    CHECK_FALSE(is_normalized(p));
  }
  CHECK_FALSE(is_normalized(std::string_view("/a\0", 3)));
}

TEST_CASE("every TargetError has a distinct name", "[target]") {
  std::vector<std::string_view> names;
  names.reserve(h1::http::kTargetErrorCount);
  for (int i = 0; i < h1::http::kTargetErrorCount; ++i) {
    names.push_back(h1::http::to_string(static_cast<TargetError>(i)));
  }
  CHECK(names.front() == "none");
  CHECK(names.back() == "too_long");
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(names[i] != "unknown");
    for (std::size_t j = i + 1; j < names.size(); ++j) CHECK(names[i] != names[j]);
  }
}
