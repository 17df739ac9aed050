// src/proxy/exchange.h: one request and its response, independent of the downstream protocol.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>
#include <string>
#include <string_view>

#include "http1/message_head.h"

namespace ringwall::proxy {

class CompiledRoute;

// A header field as name and value views; the same shape every codec produces.
using Field = http1::Field;

// Views point into the downstream codec's head (valid for the exchange's life).
struct Request {
    std::string_view method;
    std::string_view authority;  // Host, or the authority of an absolute-form target
    std::string_view path;
    std::string_view query;
    std::span<const Field> fields;  // for match_headers; may be empty for synthetic requests
};

// The request of an HTTP/1.1 head, or of the head an HTTP/2 stream was turned into.
inline Request request_of(const http1::RequestHead& head) noexcept {
    return Request{.method = head.method,
                   .authority = head.authority,
                   .path = head.path,
                   .query = head.query,
                   .fields = head.fields};
}

struct Response {
    std::uint16_t status = 0;
    // Serialized field lines ("Name: value\r\n"...) owned by the pipeline snapshot (or the
    // exchange's scratch), not including Date, Server and Connection, which the downstream
    // codec adds.
    std::string_view fields;
    std::string_view body;  // owned by the pipeline snapshot (or the exchange's scratch)
    bool has_content_length = true;  // false for 204 and 304, which carry none
};

// A piece of a response body that is not in Response::body: bytes kept alive by the
// exchange's body_owner, or `length` bytes of an open file from `offset`.
struct BodySegment {
    std::string_view bytes;  // when fd < 0
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

struct Exchange {
    Request request;
    const CompiledRoute* route = nullptr;
    Response response;
    // Bytes built for this request alone (a redirect's Location and note). Empty, and so
    // free, for responses prepared at load time.
    std::string scratch;
    // Owns the bytes of response.body and of segments when neither the snapshot nor the
    // scratch does (a cached file): the codec holds it until the bytes are sent.
    std::shared_ptr<const void> body_owner;
    // When not empty, the body is these, in order, and response.body is empty.
    std::vector<BodySegment> segments;
};

}  // namespace ringwall::proxy
