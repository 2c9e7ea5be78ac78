#include "diff/fuzz_via_seeds.h"

#include <string>

#include "diff/fuzz_via_quotes.h"

namespace h1spec::fuzz {

namespace {

std::string head(std::string_view method, std::string_view target, std::string_view fields) {
  std::string out(method);
  out += " ";
  out += target;
  out += " HTTP/1.1\r\nHost: ";
  out += kFuzzHost;
  out += "\r\n";
  out += fields;
  out += "\r\n";
  return out;
}

const std::string kGet = head("GET", "/second", "");

}  // namespace

std::vector<Seed> via_seeds() {
  std::vector<Seed> s;
  const auto add = [&](std::string id, std::string bytes, const RfcQuote& q) {
    s.push_back(Seed{"VIA-SEED-" + std::move(id), std::move(bytes), std::string(q.rfc),
                     std::string(q.quote)});
  };
  add("CL", head("POST", "/cl", "Content-Length: 5\r\n") + "hello", kQuoteContentLength);
  add("CL-PAIR", head("POST", "/cl", "Content-Length: 5\r\n") + "hello" + kGet,
      kQuoteContentLength);
  add("CHUNKED",
      head("POST", "/chunked", "Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n0\r\n\r\n",
      kQuoteChunked);
  add("CHUNKED-PAIR",
      head("POST", "/chunked", "Transfer-Encoding: chunked\r\n") +
          "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" + kGet,
      kQuoteChunked);
  add("CHUNK-EXT",
      head("POST", "/ext", "Transfer-Encoding: chunked\r\n") +
          "5;a=1;b=\"q;\\\"x\"\r\nhello\r\n0;last\r\n\r\n" + kGet,
      kQuoteChunkExt);
  add("TRAILER",
      head("POST", "/trailer", "Transfer-Encoding: chunked\r\n") +
          "3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n" + kGet,
      kQuoteChunked);
  add("GET-PAIR", head("GET", "/first", "") + kGet, kQuotePipeline);
  add("GET-CL-PAIR", head("GET", "/first", "Content-Length: 3\r\n") + "abc" + kGet,
      kQuoteContentLength);
  // CL.TE: by Transfer-Encoding the body is empty and a second request follows; by
  // Content-Length that request is body.
  add("CL-TE",
      head("POST", "/clte", "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n" +
          head("GET", "/smuggled", ""),
      kQuoteClTe);
  // TE.CL: by Content-Length the body is "8\r\n" and "SMUGGLED..." starts the next request.
  add("TE-CL",
      head("POST", "/tecl", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n") +
          "8\r\nSMUGGLED\r\n0\r\n\r\n" + kGet,
      kQuoteClTe);
  add("CL-TE-ALONE",
      head("POST", "/clte", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
      kQuoteClTe);
  return s;
}

}  // namespace h1spec::fuzz
