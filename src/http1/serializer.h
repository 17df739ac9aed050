// src/http1/serializer.h: writes HTTP/1.1 heads and chunks, refusing anything that could
// change how the receiver frames the message (RFC 9112).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "http1/message_head.h"

namespace ringwall::http1 {

// RFC 9110 §15 reason phrase, e.g. "Not Found"; empty for a code it does not name.
std::string_view reason_phrase(std::uint16_t status) noexcept;

// The append_* functions that take names and values check them first: a field name must
// be a token and a value must hold no CTL but HTAB (so no CR, LF or NUL) and no DEL; the
// method must be a token and the target visible ASCII without '#'. When anything fails
// they return false and leave `out` as it was, so nothing we forward can smuggle a line.

// "HTTP/1.1 <status> <reason>\r\n", the fields, "\r\n". status must be 100-999.
[[nodiscard]] bool append_response_head(std::string& out, std::uint16_t status,
                                        std::span<const Field> fields);

// "<method> <target> HTTP/1.1\r\n", the fields, "\r\n".
[[nodiscard]] bool append_request_head(std::string& out, std::string_view method,
                                       std::string_view target, std::span<const Field> fields);

// One chunk: hex size, CRLF, data, CRLF. Empty data appends nothing: a zero-size chunk
// would end the body.
void append_chunk(std::string& out, std::string_view data);

// "0\r\n", the trailer fields, "\r\n".
[[nodiscard]] bool append_last_chunk(std::string& out, std::span<const Field> trailers);

}  // namespace ringwall::http1
