// src/proxy/body.h: how a handler pulls the request body and pushes the response, whatever
// the downstream protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "io/task.h"
#include "proxy/exchange.h"

namespace ringwall::proxy {

struct BodyChunk {
    enum class Kind : std::uint8_t { data, end, failed };
    Kind kind = Kind::end;
    std::string_view bytes;   // for data: valid until the next read()
    std::uint16_t status = 0;  // for failed: what the client gets (400, 408, 413), 0 if gone
};

// The decoded request body, pulled one piece at a time: the codec reads the next bytes
// from its peer only when asked, so at most one receive buffer is held (backpressure).
class RequestBody {
public:
    // Data, then end; or failed (bad framing, timeout, the client left). After end or
    // failed, every call returns the same.
    virtual io::Task<BodyChunk> read() = 0;
    // The declared length (Content-Length), or nullopt when chunked; 0 without a body.
    virtual std::optional<std::uint64_t> length() const noexcept = 0;
    // Bytes handed out so far.
    virtual std::uint64_t consumed() const noexcept = 0;

protected:
    ~RequestBody() = default;
};

struct ResponseStart {
    std::uint16_t status = 200;
    std::span<const Field> fields;  // no framing, Connection, Date or Server fields
    // The body's length when known; nullopt: the codec frames it (chunked, or close).
    std::optional<std::uint64_t> content_length;
    bool has_body = true;  // false for HEAD, 1xx, 204, 304
    // With status 101: the protocol switched to (the Upgrade value). The codec announces
    // it and, once the head is out, the connection belongs to a tunnel.
    std::string_view upgrade;
};

// The response, pushed in order: start, body pieces, finish. Each call returns false
// when the client is gone or too slow (its send deadline passed); stop then.
class ResponseSink {
public:
    virtual io::Task<bool> start(const ResponseStart& start) = 0;
    // `bytes` need only stay valid until the returned task completes.
    virtual io::Task<bool> write(std::string_view bytes) = 0;
    // Ends the body; trailers go out when the codec framed it with chunks.
    virtual io::Task<bool> finish(std::span<const Field> trailers) = 0;
    // Whether any byte of the response went out. Until then a handler may still call
    // start() again, with an error response instead (the codec may hold the head back
    // to send it with the first body bytes).
    virtual bool has_started() const noexcept = 0;

protected:
    ~ResponseSink() = default;
};

}  // namespace ringwall::proxy
