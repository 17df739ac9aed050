// src/http1/request_parser.h: incremental, strict HTTP/1.1 request parser (RFC 9112, 9110).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "http1/chunked_decoder.h"
#include "http1/head_reader.h"
#include "http1/limits.h"
#include "http1/message_head.h"
#include "http1/parse_error.h"
#include "http1/step.h"

namespace ringwall::http1 {

// What is accepted, in short (the tests in tests/http1/ are the full list):
// - Up to 4 empty lines (CRLF) before the request-line are skipped (RFC 9112 §2.2); they
//   do not count as the start of a message. A 5th, or a bare LF, fails.
// - request-line = method SP request-target SP HTTP-version, single SPs, method a token,
//   target of visible ASCII without '#', version exactly "HTTP/1.1" or "HTTP/1.0". Any
//   other version, HTTP/2.0 included, is 400 invalid_version (never 505).
// - origin-form ('/'), absolute-form (scheme "://" authority, no userinfo), authority-form
//   only and always for CONNECT, asterisk-form only for OPTIONS.
// - Field lines per RFC 9112 §5 without obs-fold; values keep no CTL but HTAB.
// - HTTP/1.1 needs exactly one Host; its value must be uri-host [":" port] or empty. For
//   absolute-form and CONNECT the target's authority replaces it (RFC 9112 §3.2.2).
// - Framing per RFC 9112 §6: TE with CL, TE in HTTP/1.0, a coding other than a single
//   final chunked, differing or malformed Content-Length: all fail (see Reason). Checks on
//   a complete head run in this order: Host, Content-Length, Transfer-Encoding, Expect,
//   then the body size limit.
// - Error statuses: 400, 413, 414, 417, 431, 501 (unknown transfer coding).
class RequestParser {
public:
    explicit RequestParser(const Limits& limits) noexcept;

    // Call with the bytes after those already consumed. Head bytes are copied into the
    // parser's own arena as they are consumed, so `need_more` always consumes the whole
    // input and the receive buffer can go back at once. Returns at each event:
    //   head_done    - head() is complete; call again for the body
    //   body_data    - `body` is the next piece of decoded body (chunk framing removed);
    //                  it points into `input` and is valid until the input is released
    //   message_done - the message ended (trailers, if any, are in trailers()); bytes after
    //                  it are not consumed: call reset() and feed them for the next request
    //   failed       - error() says why; every later call returns failed again: we never
    //                  resynchronize after an error.
    // Every message gives exactly: head_done, zero or more body_data, message_done. A
    // message without a body gets its message_done from the call after head_done, which
    // may pass empty input and consumes nothing. After message_done, calls keep returning
    // message_done (consumed 0) until reset(). `consumed` is meaningless with failed.
    // Driving loop: feed, drop `consumed`, act on the event; stop on need_more (wait for
    // bytes) or failed; after message_done call reset() and go on with what is left.
    Step feed(std::string_view input);

    // Input ended (peer closed). Returns failed with Reason::truncated inside a message,
    // need_more when no byte of a new message had arrived.
    Step finish();

    // Prepares for the next message on the same connection; keeps arena capacity.
    void reset() noexcept;
    // Like reset(), and also frees the arena: for connections that go idle.
    void release_memory() noexcept;

    const RequestHead& head() const noexcept { return head_; }
    const std::vector<Field>& trailers() const noexcept;
    const ParseError& error() const noexcept { return error_; }
    bool has_started() const noexcept;  // any byte of the current message consumed

private:
    enum class State : std::uint8_t {
        start,     // before the request-line; empty lines are skipped here
        start_cr,  // saw the CR of an empty line
        request_line,
        fields,
        body_none,  // head_done was returned; message_done is next
        body_length,
        body_chunked,
        done,
        failed,
    };
    // Arena offsets of request-line parts: views are built once the arena stops moving.
    struct Part {
        std::uint32_t begin = 0;
        std::uint32_t size = 0;
    };

    Step parse_head(std::string_view input);
    Step fail(std::uint16_t status, Reason reason, std::size_t offset) noexcept;
    Step fail_from(const ParseError& error, std::size_t base) noexcept;
    bool check_request_line();
    bool check_target(std::string_view target, std::size_t target_begin, std::size_t method_size);
    Step complete_head();
    std::size_t field_offset(std::size_t index) const noexcept;

    Limits limits_;
    RequestHead head_;
    ParseError error_;
    HeadReader reader_;
    ChunkedDecoder decoder_;
    State state_ = State::start;
    std::uint8_t empty_lines_ = 0;
    bool path_is_default_ = false;  // absolute-form without a path: path() is "/"
    std::size_t skipped_ = 0;       // empty-line bytes before the request-line
    std::size_t head_size_ = 0;     // skipped_ + head bytes, set at head_done
    std::uint64_t body_left_ = 0;
    std::uint64_t body_consumed_ = 0;
    Part method_;
    Part target_;
    Part path_;
    Part query_;
    Part target_authority_;
};

}  // namespace ringwall::http1
