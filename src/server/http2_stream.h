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
#include "proxy/exchange.h"
#include "proxy/pipeline.h"

namespace ringwall::server {

// The request's fields arrive one callback at a time with no lasting storage: they are
// copied into `arena`, and views are made only once the block has ended (the arena may
// move while it grows).
class Http2RequestFields {
public:
    // Returns false when the field is not acceptable beyond what nghttp2 checks.
    bool add(std::string_view name, std::string_view value);
    // Builds `head` (origin-form target, Host-like authority, cookies joined with "; " as
    // RFC 9113 §8.2.3 asks of a hop to HTTP/1.1). False for a request we will not serve.
    bool build(http1::RequestHead& head);
    std::size_t bytes() const noexcept { return arena_.size(); }
    // CONNECT (RFC 9113 §8.5: :method and :authority only; nghttp2 checked the form).
    bool is_connect() const noexcept { return method_ && !path_ && view(*method_) == "CONNECT"; }

private:
    struct Span {
        std::uint32_t at = 0;
        std::uint32_t size = 0;
    };
    struct FieldAt {
        Span name;
        Span value;
    };
    Span store(std::string_view text);
    std::string_view view(Span span) const noexcept { return {arena_.data() + span.at, span.size}; }

    std::string arena_;
    std::vector<FieldAt> fields_;
    std::optional<Span> method_, scheme_, authority_, path_, host_;
    std::vector<Span> cookies_;
    std::string cookie_line_;  // the joined cookies, when there was more than one
    std::uint64_t content_length_ = 0;
    bool has_content_length_ = false;
};

// A piece of response body waiting for flow-control credit: a view kept alive by the
// exchange (or the snapshot), or bytes copied from a handler.
struct OutgoingPiece {
    std::string owned;
    std::string_view bytes;
};

struct Http2Stream {
    explicit Http2Stream(std::int32_t stream_id) noexcept : id(stream_id) {}

    std::int32_t id;
    Http2RequestFields fields;
    std::uint64_t field_bytes = 0;  // as RFC 9113 §6.5.2 counts them: name + value + 32
    http1::RequestHead head;
    std::shared_ptr<const proxy::Pipeline> pipeline;
    const proxy::CompiledRoute* route = nullptr;
    proxy::Exchange exchange;

    // The request body not yet handed to the handler, and how much of the front of it was
    // handed out last (released, and credited back to the peer, on the next read).
    std::string body_in;
    std::size_t body_lent = 0;
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
