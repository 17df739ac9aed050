// src/server/http2_stream.h: one HTTP/2 request and its response, as the connection keeps
// them between nghttp2's callbacks and the handler answering them.
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http1/message_head.h"
#include "http2/request_fields.h"
#include "proxy/exchange.h"
#include "proxy/pipeline.h"

namespace ringwall::server {

// A piece of response body waiting for flow-control credit: a view kept alive by the
// exchange (or the snapshot), or bytes copied from a handler.
struct OutgoingPiece {
    std::string owned;
    std::string_view bytes;
};

struct Http2Stream {
    explicit Http2Stream(std::int32_t stream_id) noexcept : id(stream_id) {}

    std::int32_t id;
    http2::RequestFields fields;
    std::uint64_t field_bytes = 0;  // as RFC 9113 §6.5.2 counts them: name + value + 32
    http1::RequestHead head;
    std::shared_ptr<const proxy::Pipeline> pipeline;
    const proxy::CompiledRoute* route = nullptr;
    proxy::Exchange exchange;

    // The request body not yet handed to the handler, and what was handed out last: kept
    // apart, since DATA arriving while the handler sends the lent bytes must not move them.
    // The lent bytes are released, and credited back to the peer, on the next read.
    std::string body_in;
    std::string body_lent;
    std::uint64_t body_received = 0;

    std::deque<OutgoingPiece> out;
    std::size_t out_bytes = 0;
    std::vector<std::pair<std::string, std::string>> trailers;
    std::uint64_t body_sent = 0;
    std::uint16_t status = 0;

    // A handler waiting for body bytes or for room to queue more.
    std::coroutine_handle<> waiter;

    bool too_large = false;    // the field section passed max_header_list_size
    bool malformed = false;    // a field nghttp2 accepts but we do not
    bool request_ended = false;
    bool answered = false;     // a response was submitted (or is being made by a task)
    bool out_ended = false;    // the handler has queued its last body byte
    bool has_task = false;     // a coroutine works on it; erased only after it ends
    bool closed = false;       // nghttp2 closed it (response done, or reset)
    bool discard_body = true;  // no handler reads the body: credit it back at once
};

}  // namespace ringwall::server
