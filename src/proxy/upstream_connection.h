// src/proxy/upstream_connection.h: one connection to a backend, and connecting it through
// io_uring with a deadline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <sys/uio.h>

#include "io/reactor.h"
#include "io/recv_stream.h"
#include "io/socket_address.h"
#include "io/task.h"
#include "io/timer_wheel.h"
#include "proxy/http2_upstream.h"
#include "transport/tls_stream.h"

namespace ringwall::proxy {

class ConnectionPool;

// Owned by one exchange while it forwards a request, or by its backend's pool while idle.
// The multishot receive stays armed while idle, so a backend's close is already known
// (as an event waiting in the stream) when the pool hands the connection out again.
// Bytes go through TLS when the upstream has it, and are HTTP/2 frames when it speaks h2.
// always: closed with close_upstream(), never destroyed with the receive armed.
class UpstreamConnection final : private io::Timer {
public:
    UpstreamConnection(io::Reactor& reactor, int fd, std::size_t backend) noexcept
        : reactor_(reactor), fd_(fd), backend_(backend), recv_(reactor, fd) {}
    UpstreamConnection(const UpstreamConnection&) = delete;
    UpstreamConnection& operator=(const UpstreamConnection&) = delete;

    int fd() const noexcept { return fd_; }
    std::size_t backend() const noexcept { return backend_; }
    io::RecvStream& recv() noexcept { return recv_; }

    // Set once, right after connecting, before any request.
    void use_tls(std::unique_ptr<transport::TlsStream> tls) noexcept { tls_ = std::move(tls); }
    void use_http2(std::unique_ptr<Http2Upstream> h2) noexcept { h2_ = std::move(h2); }
    transport::TlsStream* tls() noexcept { return tls_.get(); }
    Http2Upstream* http2() noexcept { return h2_.get(); }

    // The next bytes from the backend, decrypted under TLS, with RecvStream's meanings.
    io::Task<io::RecvResult> receive();
    // Sends every byte of `pieces` (consumed as they go), sealed under TLS. `inflight`
    // names the send a deadline may cancel. False when the connection failed.
    io::Task<bool> send(std::span<iovec> pieces, const io::Completion*& inflight);

    // Bytes that arrived while the connection sat in the pool: a TLS session ticket or,
    // under HTTP/2, SETTINGS, PING or WINDOW_UPDATE frames are taken in; anything else
    // (data, close, GOAWAY) means it cannot carry another request. True when it still can.
    bool absorb_idle(std::string_view bytes);

    std::uint32_t requests = 0;  // requests sent on this connection

private:
    friend class ConnectionPool;
    void on_expire() noexcept override;  // idle timeout while pooled

    io::Reactor& reactor_;
    int fd_;
    std::size_t backend_;
    io::RecvStream recv_;
    std::unique_ptr<transport::TlsStream> tls_;
    std::unique_ptr<Http2Upstream> h2_;
    std::string sealed_;  // pieces joined for one TLS send
    const io::Completion* tls_inflight_ = nullptr;
    ConnectionPool* pool_ = nullptr;  // set while idle in a pool
};

// Cancels the receive, waits for it, closes the socket. Detach with reactor.spawn().
io::Task<void> close_upstream(io::Reactor& reactor, std::unique_ptr<UpstreamConnection> connection);

struct ConnectResult {
    std::unique_ptr<UpstreamConnection> connection;  // null on failure
    int error = 0;           // errno when it failed
    bool timed_out = false;  // the connect deadline passed
};

// A non-blocking socket, TCP_NODELAY, and IORING_OP_CONNECT bounded by `timeout_ms`.
io::Task<ConnectResult> connect_upstream(io::Reactor& reactor, const io::SocketAddress& address,
                                         std::size_t backend, std::uint64_t timeout_ms);

// The idle keep-alive connections of one backend on one worker, newest last (reused first,
// so the oldest age out).
class ConnectionPool {
public:
    ConnectionPool(io::Reactor& reactor, std::uint32_t max_idle, std::uint64_t idle_timeout_ms) noexcept
        : reactor_(reactor), max_idle_(max_idle), idle_timeout_ms_(idle_timeout_ms) {}
    ConnectionPool(ConnectionPool&&) = default;
    ~ConnectionPool();

    // An idle connection that has not been closed or written to by its backend meanwhile,
    // or null. Dead ones met on the way are closed.
    std::unique_ptr<UpstreamConnection> take();
    // Keeps `connection` for reuse (closing the oldest when full), or closes it when the
    // pool is closed or holds none.
    void put(std::unique_ptr<UpstreamConnection> connection);
    // Closes every idle connection, and those put back later (shutdown).
    void close();
    std::size_t idle_count() const noexcept { return idle_.size(); }

private:
    friend class UpstreamConnection;
    void expire(UpstreamConnection& connection) noexcept;
    void discard(std::unique_ptr<UpstreamConnection> connection) noexcept;

    io::Reactor& reactor_;
    std::uint32_t max_idle_;
    std::uint64_t idle_timeout_ms_;
    bool closed_ = false;
    std::vector<std::unique_ptr<UpstreamConnection>> idle_;
};

}  // namespace ringwall::proxy
