// src/http1/message_head.h: a parsed request or response head, owned by its parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ringwall::http1 {

enum class Version : std::uint8_t { http10, http11 };

// RFC 9112 §3.2: the four forms a request-target can take.
enum class TargetForm : std::uint8_t { origin, absolute, authority, asterisk };

// Views point into the owning parser's arena: valid until that parser's next reset()
// or destruction, whatever happens to the input buffers.
struct Field {
    std::string_view name;  // as received; compare case-insensitively
    std::string_view value;  // leading and trailing OWS removed
};

enum class BodyFraming : std::uint8_t {
    none,            // no body (no CL/TE in a request; 1xx/204/304/HEAD response)
    content_length,  // exactly content_length bytes
    chunked,         // chunked transfer coding
    until_close,     // response only: body ends when the connection closes
};

struct RequestHead {
    std::string_view method;
    std::string_view target;     // request-target exactly as received
    TargetForm target_form = TargetForm::origin;
    std::string_view path;       // origin-form path (no query), or path part of absolute-form
    std::string_view query;      // after '?', without it; empty when absent
    std::string_view authority;  // Host value, or the authority of an absolute-form target
    Version version = Version::http11;
    std::vector<Field> fields;
    BodyFraming framing = BodyFraming::none;
    std::uint64_t content_length = 0;  // valid when framing == content_length
    bool keep_alive = true;            // from version and Connection
    bool expects_continue = false;     // Expect: 100-continue
    bool is_upgrade = false;           // Connection: upgrade with an Upgrade field

    // First field with this name (ASCII case-insensitive), or nullopt.
    std::optional<std::string_view> find(std::string_view name) const noexcept;
};

struct ResponseHead {
    std::uint16_t status = 0;
    std::string_view reason;
    Version version = Version::http11;
    std::vector<Field> fields;
    BodyFraming framing = BodyFraming::none;
    std::uint64_t content_length = 0;
    bool keep_alive = true;

    std::optional<std::string_view> find(std::string_view name) const noexcept;
};

}  // namespace ringwall::http1
