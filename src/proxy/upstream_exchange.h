// src/proxy/upstream_exchange.h: the proxy handler: forwards one request to a backend of
// the route's upstream over HTTP/1.1 and streams the answer back.
#pragma once

#include <cstdint>
#include <string_view>

#include "http1/message_head.h"
#include "io/task.h"
#include "proxy/body.h"
#include "proxy/pipeline.h"
#include "proxy/tunnel.h"
#include "proxy/upstream_group.h"

namespace ringwall::proxy {

struct ForwardRequest {
    UpstreamSet* upstreams = nullptr;
    const CompiledRoute* route = nullptr;
    const http1::RequestHead* head = nullptr;  // valid until the call completes
    std::string_view client_address;
    std::string_view scheme = "http";  // how the client reached us: X-Forwarded-Proto
    RequestBody* body = nullptr;
    ResponseSink* sink = nullptr;
    // Set by codecs that can hand their connection over after a 101 (HTTP/1.1); null
    // otherwise, and then Upgrade is not forwarded.
    TunnelSource* tunnel = nullptr;
};

struct ForwardResult {
    std::uint16_t status = 0;      // sent downstream (ours or the backend's)
    std::uint64_t body_bytes = 0;  // response body bytes sent downstream
    // False when the response could not be completed after its head went out: the
    // downstream connection must close (a second head is never sent).
    bool complete = true;
    // The backend switched protocols (101) and the tunnel has ended: the downstream
    // connection is no longer HTTP and must close.
    bool upgraded = false;
};

// Everything per request lives in this coroutine's frame: nothing is kept on the
// downstream connection. Errors before the response starts become 502/503/504 pages
// (error_page.h); after it starts, an incomplete result.
io::Task<ForwardResult> forward(const ForwardRequest& request);

// RFC 9110 §9.2.2 idempotent methods that we retry.
bool is_idempotent(std::string_view method) noexcept;

}  // namespace ringwall::proxy
