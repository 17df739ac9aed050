// src/http1/parse_error.h: why and where an HTTP/1.1 message was rejected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringwall::http1 {

enum class Reason : std::uint8_t {
    none,
    bare_cr,                   // CR not followed by LF
    bare_lf,                   // LF line ending without CR
    obs_fold,                  // field line starting with SP/HTAB (RFC 9112 §5.2)
    space_before_colon,        // whitespace between field name and ':' (RFC 9112 §5.1)
    invalid_field_name,        // empty name or a non-token byte in it
    invalid_field_value,       // CR, LF, NUL or another control byte in a value
    invalid_method,            // empty or non-token method
    invalid_target,            // empty target, or a byte not allowed in request-target
    invalid_request_line,      // wrong number of single spaces, leading whitespace, ...
    invalid_version,           // not HTTP/1.0 or HTTP/1.1 (RFC 9112 §2.3)
    invalid_status_line,       // response: bad status code or reason phrase
    missing_host,              // HTTP/1.1 request without Host (RFC 9112 §3.2)
    duplicate_host,            // more than one Host field line
    invalid_host,              // Host value that is not a valid uri-host[:port]
    invalid_content_length,    // not 1*DIGIT, overflow, or differing values in a list
    duplicate_content_length,  // differing Content-Length field lines
    te_with_content_length,    // Transfer-Encoding and Content-Length together (RFC 9112 §6.3)
    chunked_not_final,         // chunked present but not the final coding (400)
    chunked_twice,             // chunked applied more than once
    unknown_transfer_coding,   // a coding other than chunked (501)
    te_in_http10,              // Transfer-Encoding in an HTTP/1.0 message
    invalid_chunk_size,        // not 1*HEXDIG, or overflow
    invalid_chunk_extension,   // malformed chunk-ext, or longer than the limit
    missing_chunk_crlf,        // chunk data not followed by CRLF
    invalid_trailer,           // malformed trailer section
    request_line_too_long,     // 414
    field_too_long,            // 431
    header_too_large,          // 431
    too_many_fields,           // 431
    body_too_large,            // 413
    invalid_expect,            // Expect other than 100-continue (417)
    truncated,                 // connection ended inside a message (response parser)
    invalid_response_framing,  // response: 1xx/204/304 with a body-defining field, etc.
    invalid_transfer_encoding,  // empty or malformed Transfer-Encoding list (400)
};

// Names used in logs and test output, e.g. "bare_lf".
std::string_view to_string(Reason reason) noexcept;

struct ParseError {
    std::uint16_t status = 0;  // HTTP status to answer with: 400, 413, 414, 417, 431, 501
    std::size_t offset = 0;    // byte offset in the message where the error was detected
    Reason reason = Reason::none;

    friend bool operator==(const ParseError&, const ParseError&) = default;
};

}  // namespace ringwall::http1
