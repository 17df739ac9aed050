// src/http2/request_fields.h: an HTTP/2 request's field section, collected as nghttp2 hands
// it over and turned into the request head every handler reads. Sans-I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http1/message_head.h"

namespace ringwall::http2 {

// RFC 9113 §8.2.2: fields that only mean something to HTTP/1.1 and make an HTTP/2 message
// malformed; they never go out on HTTP/2.
bool is_connection_specific(std::string_view name) noexcept;

// The request's fields arrive one callback at a time with no lasting storage: they are
// copied into `arena`, and views are made only once the block has ended (the arena may
// move while it grows).
class RequestFields {
public:
    // Returns false when the field is not acceptable beyond what nghttp2 checks.
    bool add(std::string_view name, std::string_view value);
    // Builds `head` (origin-form target, Host-like authority, cookies joined with "; " as
    // RFC 9113 §8.2.3 asks of a hop to HTTP/1.1). False for a request we will not serve.
    bool build(http1::RequestHead& head);
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

}  // namespace ringwall::http2
