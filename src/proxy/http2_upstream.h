// src/proxy/http2_upstream.h: the client side of an HTTP/2 connection to a backend,
// sans-I/O: bytes from the backend go in, frames to send come out, and one request's
// response is collected for the exchange to relay.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http1/message_head.h"

struct nghttp2_session;

namespace ringwall::proxy {

// One stream at a time, like a keep-alive HTTP/1.1 connection (and like nginx's gRPC
// proxy): a connection is taken from the pool for one exchange and put back after it.
// Multiplexing would save connections, not CPU, on the loopback-near links to backends.
class Http2Upstream {
public:
    // `window`: what the backend may send per stream (and on the connection) before we
    // have passed it on downstream; the bound on what one response can make us buffer.
    explicit Http2Upstream(std::uint32_t window);
    ~Http2Upstream();
    Http2Upstream(const Http2Upstream&) = delete;
    Http2Upstream& operator=(const Http2Upstream&) = delete;

    struct Response {
        bool head_done = false;  // the final (non-1xx) head has arrived
        std::uint16_t status = 0;
        std::vector<std::pair<std::string, std::string>> fields;    // lowercase names
        std::vector<std::pair<std::string, std::string>> trailers;
        std::string data;      // body bytes received and not yet taken
        bool ended = false;    // END_STREAM: data and trailers are complete
        bool reset = false;    // RST_STREAM, or closed without END_STREAM
        // The backend did not process the request (REFUSED_STREAM, or a GOAWAY below our
        // stream id): it may be sent again elsewhere.
        bool refused = false;
        std::uint32_t error_code = 0;
    };

    // Opens a stream for one request. Pseudo-fields first; `fields` must be lowercase and
    // free of connection-specific fields. False when the session cannot take a stream.
    bool submit(std::string_view method, std::string_view scheme, std::string_view authority,
                std::string_view path, std::span<const http1::Field> fields, bool has_body);

    // Request body bytes for the open stream; they must stay valid until body_drained().
    void offer_body(std::string_view bytes, bool end);
    // Every offered byte has been framed (copied out by take_output).
    bool body_drained() const noexcept { return body_.empty() && (body_end_ || !body_open_); }
    bool body_pending() const noexcept { return !body_.empty(); }

    // Backend bytes in; false on a connection error (the session then refuses everything).
    bool feed(std::string_view bytes);
    // Frames to send, appended to `out`; false on a connection error.
    bool take_output(std::string& out);

    Response& response() noexcept { return response_; }
    // Response body bytes passed downstream: the window opens again by as much.
    void consumed(std::size_t bytes);

    // Whether another request may use this connection: no GOAWAY, no connection error,
    // and the last stream ended cleanly.
    bool reusable() const noexcept;
    bool failed() const noexcept { return failed_; }
    // No GOAWAY and no connection error: a new stream may be opened.
    bool accepts_requests() const noexcept { return !failed_ && !goaway_; }

private:
    friend struct Http2UpstreamCallbacks;

    nghttp2_session* session_ = nullptr;
    std::int32_t stream_id_ = -1;
    std::string_view body_;
    bool body_open_ = false;
    bool body_end_ = false;
    bool final_head_seen_ = false;
    bool in_trailers_ = false;
    bool goaway_ = false;
    bool failed_ = false;
    Response response_;
};

}  // namespace ringwall::proxy
