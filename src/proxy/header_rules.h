// src/proxy/header_rules.h: how fields change on their way through the proxy (RFC 9110
// §7.6): hop-by-hop removal, X-Forwarded-*, Via, path rewriting and configured operations.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "http1/message_head.h"

namespace ringwall::proxy {

// The value we add to Via (RFC 9110 §7.6.3).
inline constexpr std::string_view via_value = "1.1 ringwall";

// The fixed hop-by-hop list: Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
// Transfer-Encoding, Upgrade (case-insensitive).
bool is_hop_by_hop(std::string_view name) noexcept;

// Fields that never pass the proxy: the fixed list, plus every field a Connection field
// names. Built once per message from its fields; views point into them.
class HopByHop {
public:
    explicit HopByHop(std::span<const http1::Field> fields);
    bool drops(std::string_view name) const noexcept;

private:
    std::vector<std::string_view> named_;  // tokens listed in Connection
};

// Applies remove, then set (replacing every field of that name), then add. Views added
// point into `ops` (the configuration snapshot).
void apply_header_ops(std::vector<http1::Field>& fields, const config::HeaderOps& ops);

// strip_prefix removed when the path starts with it, then add_prefix prepended; the result
// always starts with '/' and never gains a doubled '/' at the join.
std::string rewrite_path(std::string_view path, std::string_view strip_prefix,
                         std::string_view add_prefix);

// How the proxy frames the request body it sends upstream.
enum class UpstreamFraming : std::uint8_t { none, content_length, chunked };

struct UpstreamRequestInput {
    const http1::RequestHead* head = nullptr;
    const config::Route* route = nullptr;
    std::string_view client_address;  // "192.0.2.1" or "2001:db8::1", appended to XFF
    std::string_view scheme = "http";
    std::string_view fallback_host;   // Host to send when the client sent none (HTTP/1.0)
    UpstreamFraming framing = UpstreamFraming::none;
    std::uint64_t content_length = 0;  // for UpstreamFraming::content_length
    // Non-empty: ask the backend to switch to this protocol (the client's Upgrade value),
    // with Connection: upgrade. Empty: Upgrade is dropped like every hop-by-hop field.
    std::string_view upgrade;
};

// The request head to send upstream, as fields: views into the client's head, the route,
// and the strings held here.
struct UpstreamRequestFields {
    std::string target;  // the rewritten path and query
    std::vector<http1::Field> fields;
    std::string forwarded_for;  // storage the fields point into
    std::string via;
    std::string length;
};

// Builds what append_upstream_request serializes (see there), for codecs that frame the
// head themselves (HTTP/2).
void build_upstream_request(UpstreamRequestFields& out, const UpstreamRequestInput& input);

// Appends the request head to send upstream: the rewritten target, the client's fields
// minus hop-by-hop ones and minus its framing (Content-Length and Transfer-Encoding are
// written fresh from `framing`), X-Forwarded-For appended to, X-Forwarded-Proto and
// X-Forwarded-Host set, Via appended to, then the route's request_headers operations.
// Returns false, leaving `out` as it was, when the serializer refuses a name or value.
[[nodiscard]] bool append_upstream_request(std::string& out, const UpstreamRequestInput& input);

// The fields of an upstream response as they go downstream: hop-by-hop fields, Date and
// Server (the downstream codec writes its own) and the framing fields removed (the codec
// frames the body itself; with `keep_content_length`, as for HEAD and 304, where it only
// describes the representation, Content-Length stays), Via appended to, then `ops`.
// `via_storage` holds the combined Via value the result may point into.
void forward_response_fields(std::vector<http1::Field>& out, std::span<const http1::Field> upstream,
                             const config::HeaderOps& ops, bool keep_content_length,
                             std::string& via_storage);

}  // namespace ringwall::proxy
