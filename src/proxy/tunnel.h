// src/proxy/tunnel.h: what follows a protocol switch (101, such as WebSocket): bytes
// copied both ways between client and backend, opaque to us.
#pragma once

#include <cstdint>
#include <string_view>

#include "io/reactor.h"
#include "io/recv_stream.h"
#include "io/task.h"

namespace ringwall::proxy {

// One side of a tunnel: a connected socket, its receive stream, and what was already
// received from it past the HTTP head (a client may send its first frames right behind
// the upgrade request; a backend right behind its 101). `pending` stays valid until
// run_tunnel() completes.
struct TunnelEnd {
    int fd = -1;
    io::RecvStream* recv = nullptr;
    std::string_view pending;
};

// Gives the downstream side of a tunnel to the handler; a codec that can switch
// protocols (HTTP/1.1) implements it. Called once, after the whole request was read.
class TunnelSource {
public:
    virtual TunnelEnd tunnel_end() noexcept = 0;

protected:
    ~TunnelSource() = default;
};

struct TunnelResult {
    std::uint64_t client_to_backend = 0;  // bytes
    std::uint64_t backend_to_client = 0;
};

// Copies until both directions have ended. A direction whose source closes half-closes its
// destination (shutdown SHUT_WR), so each peer sees the other's FIN and may still answer;
// a reset, a failed send, an interrupted receive (shutdown) or `idle_ms` without a byte
// in either direction ends both. Each direction holds one receive buffer at a time: a
// side that does not read stops the other side's reading (backpressure).
// always: the caller closes both sockets afterwards; neither is reusable for HTTP.
io::Task<TunnelResult> run_tunnel(io::Reactor& reactor, TunnelEnd client, TunnelEnd backend,
                                  std::uint64_t idle_ms);

}  // namespace ringwall::proxy
