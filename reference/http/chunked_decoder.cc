#include "http/chunked_decoder.h"

#include "http/chars.h"

namespace h1::http {

namespace {
constexpr std::size_t kMaxSizeDigits = 16;
bool is_ws(char c) noexcept { return c == ' ' || c == '\t'; }
// VCHAR, obs-text, SP or HTAB: what may appear inside a chunk extension.
bool is_ext_char(char c) noexcept { return is_field_value_char(c); }
}  // namespace

void ChunkedDecoder::reset() noexcept { *this = ChunkedDecoder(*limits_); }

ChunkStep ChunkedDecoder::fail(ParseError e, std::size_t consumed) noexcept {
  state_ = State::failed;
  error_ = e;
  return {ParseStatus::error, e, consumed, {}};
}

ChunkStep ChunkedDecoder::step(std::span<const char> in) noexcept {
  if (state_ == State::failed) return {ParseStatus::error, error_, 0, {}};
  if (state_ == State::done) return {ParseStatus::complete, ParseError::none, 0, {}};
  std::size_t i = 0;
  while (i < in.size()) {
    if (state_ == State::data) {
      const std::size_t avail = in.size() - i;
      const std::size_t n = remaining_ < avail ? static_cast<std::size_t>(remaining_) : avail;
      remaining_ -= n;
      data_total_ += n;
      if (remaining_ == 0) state_ = State::data_cr;
      return {ParseStatus::need_more, ParseError::none, i + n, {in.data() + i, n}};
    }
    const char c = in[i++];
    ParseError e = ParseError::none;
    switch (state_) {
      case State::size_first:
      case State::size:
      case State::size_ws:
        e = on_size_byte(c);
        break;
      case State::ext_name_start:
      case State::ext:
      case State::ext_quoted:
      case State::ext_escape:
        e = on_ext_byte(c);
        break;
      case State::line_lf:
        e = on_line_lf(c);
        break;
      case State::data_cr:
        if (c != '\r') e = ParseError::bad_chunk_data_end;
        state_ = State::data_lf;
        break;
      case State::data_lf:
        if (c != '\n') e = ParseError::bad_chunk_data_end;
        state_ = State::size_first;
        break;
      default:
        e = on_trailer_byte(c);
        break;
    }
    if (e != ParseError::none) return fail(e, i);
    if (state_ == State::done) return {ParseStatus::complete, ParseError::none, i, {}};
  }
  return {ParseStatus::need_more, ParseError::none, i, {}};
}

// chunk-size = 1*HEXDIG, then BWS only before a ';'.
ParseError ChunkedDecoder::on_size_byte(char c) noexcept {
  if (state_ != State::size_ws && is_hex_digit(c)) {
    if (++digits_ > kMaxSizeDigits) return ParseError::chunk_size_overflow;
    size_ = size_ * 16 + static_cast<std::uint64_t>(hex_value(c));
    if (size_ > limits_->max_chunk_size) return ParseError::chunk_size_overflow;
    state_ = State::size;
    return ParseError::none;
  }
  if (state_ == State::size_first) return ParseError::bad_chunk_size;
  if (is_ws(c)) {
    state_ = State::size_ws;
    return ParseError::none;
  }
  if (c == ';') {
    state_ = State::ext_name_start;
    return ParseError::none;
  }
  if (c == '\r' && state_ == State::size) {
    state_ = State::line_lf;
    return ParseError::none;
  }
  if (c == '\n') return ParseError::bare_lf;
  return ParseError::bad_chunk_size;
}

// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string.
ParseError ChunkedDecoder::on_ext_byte(char c) noexcept {
  if (++ext_bytes_ > limits_->max_chunk_extension) return ParseError::bad_chunk_extension;
  switch (state_) {
    case State::ext_name_start:
      if (is_ws(c)) return ParseError::none;
      if (!is_tchar(c)) return ParseError::bad_chunk_extension;
      state_ = State::ext;
      return ParseError::none;
    case State::ext_quoted:
      if (c == '"') state_ = State::ext;
      if (c == '\\') state_ = State::ext_escape;
      return is_ext_char(c) ? ParseError::none : ParseError::bad_chunk_extension;
    case State::ext_escape:
      state_ = State::ext_quoted;
      return is_ext_char(c) ? ParseError::none : ParseError::bad_chunk_extension;
    default:
      break;
  }
  if (c == '\r') {
    state_ = State::line_lf;
    return ParseError::none;
  }
  if (c == '\n') return ParseError::bare_lf;
  if (c == ';') state_ = State::ext_name_start;
  if (c == '"') state_ = State::ext_quoted;
  return is_tchar(c) || is_ws(c) || c == '=' || c == ';' || c == '"'
             ? ParseError::none
             : ParseError::bad_chunk_extension;
}

// The LF after a chunk line's CR: starts the data, or the trailers after the last chunk.
ParseError ChunkedDecoder::on_line_lf(char c) noexcept {
  if (c != '\n') return ParseError::bare_cr;
  remaining_ = size_;
  state_ = size_ == 0 ? State::trailer_start : State::data;
  size_ = 0;
  digits_ = 0;
  ext_bytes_ = 0;
  return ParseError::none;
}

// trailer-section = *( field-line CRLF ) CRLF, validated byte by byte.
ParseError ChunkedDecoder::on_trailer_byte(char c) noexcept {
  if (++trailer_bytes_ > limits_->max_trailer) return ParseError::trailer_too_large;
  switch (state_) {
    case State::trailer_start:
      if (c == '\r') {
        state_ = State::final_lf;
        return ParseError::none;
      }
      if (c == '\n') return ParseError::bare_lf;
      if (!is_tchar(c)) return ParseError::bad_trailer;
      state_ = State::trailer_name;
      return ParseError::none;
    case State::trailer_name:
      if (c == ':') state_ = State::trailer_value;
      return c == ':' || is_tchar(c) ? ParseError::none : ParseError::bad_trailer;
    case State::trailer_value:
      if (c == '\r') {
        state_ = State::trailer_lf;
        return ParseError::none;
      }
      if (c == '\n') return ParseError::bare_lf;
      return is_field_value_char(c) ? ParseError::none : ParseError::bad_trailer;
    case State::trailer_lf:
      state_ = State::trailer_start;
      return c == '\n' ? ParseError::none : ParseError::bare_cr;
    case State::final_lf:
      state_ = State::done;
      return c == '\n' ? ParseError::none : ParseError::bare_cr;
    default:
      return ParseError::bad_trailer;
  }
}

}  // namespace h1::http
