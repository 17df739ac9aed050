// src/server/access_log.h: the access log, batched per worker and written once per loop turn.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http1/message_head.h"

namespace ringwall::server {

// The file every worker appends to; "off" disables logging. Thread-safe.
class AccessLogFile {
public:
    // Returns an error text or "".
    static std::string open(const std::string& target);
    static std::string reopen();  // SIGUSR1, after rotation
    static bool enabled() noexcept;
    static void write(std::string_view lines) noexcept;
};

// Lines in the combined format operators' tools already parse:
// 127.0.0.1 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 20 "-" "curl/8.0"
class AccessLog {
public:
    // `client_address` as PeerAddress::text() gives it; "" is logged as "-". `protocol`
    // overrides the head's HTTP/1 version ("HTTP/2.0", as nginx logs it).
    void append(std::string_view client_address, const http1::RequestHead& head, std::uint16_t status,
                std::uint64_t body_bytes, std::string_view protocol = {});
    // Writes what the turn produced in one write(2). Called by the reactor's turn hook.
    void flush() noexcept;

private:
    std::string pending_;
};

}  // namespace ringwall::server
