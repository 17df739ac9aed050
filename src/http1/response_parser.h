// src/http1/response_parser.h: incremental, strict HTTP/1.1 response parser for upstream
// responses (RFC 9112 §4, §6.3).
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

// What is accepted, in short:
// - status-line = HTTP-version SP 3DIGIT SP reason-phrase, version exactly HTTP/1.1 or
//   HTTP/1.0, status 100-599, reason of HTAB / SP / VCHAR / obs-text. Deliberate leniency:
//   "HTTP/1.1 200" without the SP before an empty reason is accepted, as many servers send
//   it and it cannot change framing.
// - Field lines exactly as strict as in requests; max_request_line bounds the status line.
// - Framing (RFC 9112 §6.3): responses to HEAD, 1xx, 204 and 304 have no body; then
//   Transfer-Encoding chunked; then Content-Length; else the body runs until the
//   connection closes (finish() ends it). TE with CL, TE in HTTP/1.0, any coding other
//   than one final chunked, TE in a 1xx/204, or a non-zero Content-Length in a 1xx/204
//   fail: an upstream that frames ambiguously must not reach the client.
// - Every error has status 502: the proxy answers its client with it.
// - max_body_size does not apply: responses are streamed, the proxy decides what to cap.
class ResponseParser {
public:
    explicit ResponseParser(const Limits& limits) noexcept;

    // The response answers a HEAD request: it has no body whatever its fields say. Set it
    // before feeding each response; reset() clears it, except after an interim (1xx)
    // response, since the final response to the same request is still to come.
    void expect_response_to_head(bool is_head) noexcept { head_request_ = is_head; }

    // Same contract as RequestParser::feed. An interim 1xx response is a message of its
    // own: head_done, then message_done; reset() and feed on for the final response.
    // A 101 is returned the same way; the bytes after it belong to the new protocol.
    // With until_close framing, every input byte is body_data until finish().
    Step feed(std::string_view input);

    // The upstream closed. Ends an until_close body cleanly (message_done); need_more when
    // no byte of a new response had arrived; failed with Reason::truncated otherwise.
    Step finish();

    void reset() noexcept;
    void release_memory() noexcept;

    const ResponseHead& head() const noexcept { return head_; }
    const std::vector<Field>& trailers() const noexcept { return decoder_.trailers(); }
    const ParseError& error() const noexcept { return error_; }
    bool has_started() const noexcept { return state_ != State::start; }

private:
    enum class State : std::uint8_t {
        start,
        status_line,
        fields,
        body_none,
        body_length,
        body_chunked,
        body_until_close,
        done,
        failed,
    };

    Step parse_head(std::string_view input);
    Step fail(Reason reason, std::size_t offset) noexcept;
    bool check_status_line();
    Step complete_head();
    std::size_t field_offset(std::size_t index) const noexcept { return reader_.field_offset(index); }

    Limits limits_;
    ResponseHead head_;
    ParseError error_;
    HeadReader reader_;
    ChunkedDecoder decoder_;
    State state_ = State::start;
    bool head_request_ = false;
    std::uint32_t reason_begin_ = 0;
    std::uint32_t reason_size_ = 0;
    std::size_t head_size_ = 0;
    std::uint64_t body_left_ = 0;
    std::uint64_t body_consumed_ = 0;
};

}  // namespace ringwall::http1
