#include "http/media_type.h"

#include <catch2/catch.hpp>

using h1::http::media_type_for;

TEST_CASE("text types carry a utf-8 charset", "[media_type]") {
  CHECK(media_type_for("/index.html") == "text/html; charset=utf-8");
  CHECK(media_type_for("/a/b.htm") == "text/html; charset=utf-8");
  CHECK(media_type_for("/s.css") == "text/css; charset=utf-8");
  CHECK(media_type_for("/app.js") == "text/javascript; charset=utf-8");
  CHECK(media_type_for("/mod.mjs") == "text/javascript; charset=utf-8");
  CHECK(media_type_for("/r.txt") == "text/plain; charset=utf-8");
  CHECK(media_type_for("/README.md") == "text/markdown; charset=utf-8");
  CHECK(media_type_for("/d.csv") == "text/csv; charset=utf-8");
  CHECK(media_type_for("/feed.xml") == "text/xml; charset=utf-8");
}

TEST_CASE("binary and structured types", "[media_type]") {
  CHECK(media_type_for("/logo.svg") == "image/svg+xml");
  CHECK(media_type_for("/data.json") == "application/json");
  CHECK(media_type_for("/p.png") == "image/png");
  CHECK(media_type_for("/p.jpg") == "image/jpeg");
  CHECK(media_type_for("/p.jpeg") == "image/jpeg");
  CHECK(media_type_for("/p.gif") == "image/gif");
  CHECK(media_type_for("/p.webp") == "image/webp");
  CHECK(media_type_for("/favicon.ico") == "image/x-icon");
  CHECK(media_type_for("/p.avif") == "image/avif");
  CHECK(media_type_for("/doc.pdf") == "application/pdf");
  CHECK(media_type_for("/m.wasm") == "application/wasm");
  CHECK(media_type_for("/f.woff") == "font/woff");
  CHECK(media_type_for("/f.woff2") == "font/woff2");
  CHECK(media_type_for("/f.ttf") == "font/ttf");
  CHECK(media_type_for("/f.otf") == "font/otf");
  CHECK(media_type_for("/s.mp3") == "audio/mpeg");
  CHECK(media_type_for("/v.mp4") == "video/mp4");
  CHECK(media_type_for("/v.webm") == "video/webm");
  CHECK(media_type_for("/s.ogg") == "audio/ogg");
  CHECK(media_type_for("/a.zip") == "application/zip");
  CHECK(media_type_for("/a.tar.gz") == "application/gzip");
  CHECK(media_type_for("/a.tar") == "application/x-tar");
  CHECK(media_type_for("/a.bin") == "application/octet-stream");
}

TEST_CASE("extensions compare case-insensitively", "[media_type]") {
  CHECK(media_type_for("/INDEX.HTML") == "text/html; charset=utf-8");
  CHECK(media_type_for("/Photo.JpEg") == "image/jpeg");
  CHECK(media_type_for("/f.WOFF2") == "font/woff2");
}

TEST_CASE("unknown, missing and hidden-file extensions", "[media_type]") {
  CHECK(media_type_for("") == "application/octet-stream");
  CHECK(media_type_for("/") == "application/octet-stream");
  CHECK(media_type_for("/Makefile") == "application/octet-stream");
  CHECK(media_type_for("/x.unknown") == "application/octet-stream");
  CHECK(media_type_for("/x.") == "application/octet-stream");
  CHECK(media_type_for("/.htaccess") == "application/octet-stream");
  CHECK(media_type_for("/.html") == "application/octet-stream");
  CHECK(media_type_for("/dir.html/") == "application/octet-stream");
  CHECK(media_type_for("/dir.html/file") == "application/octet-stream");
  CHECK(media_type_for("/x.htmlx") == "application/octet-stream");
  CHECK(media_type_for("/x.ht") == "application/octet-stream");
  CHECK(media_type_for("index.html") == "text/html; charset=utf-8");
  CHECK(media_type_for("/.config/a.css") == "text/css; charset=utf-8");
}
