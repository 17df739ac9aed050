// src/server/http1_connection.h: one downstream HTTP/1.1 connection, from accept to close.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <sys/uio.h>

#include "http1/request_parser.h"
#include "io/peer_address.h"
#include "io/recv_stream.h"
#include "io/send_slabs.h"
#include "io/task.h"
#include "io/timer_wheel.h"
#include "proxy/pipeline.h"
#include "server/listener_role.h"
#include "server/response_writer.h"
#include "transport/tls_stream.h"

namespace ringwall::server {

class Worker;
class Http2Connection;
using transport::TlsStream;

// Lives in the frame of the coroutine serving it and belongs to one worker thread for
// life. An idle keep-alive connection holds no receive or send memory: buffers are lent
// while bytes are being parsed or sent, and the parser's arena is freed between requests.
class Http1Connection final : private io::Timer {
public:
    Http1Connection(Worker& worker, int fd, std::shared_ptr<const ListenerRole> role);
    Http1Connection(const Http1Connection&) = delete;
    Http1Connection& operator=(const Http1Connection&) = delete;
    ~Http1Connection();

    // Serves requests until the connection ends or fails.
    io::Task<void> run();
    // Releases everything and closes the socket; always awaited after run().
    io::Task<void> finish();

    // Shutdown, first phase: finish the request in progress, then close; close now if idle.
    void begin_drain() noexcept;
    // Shutdown deadline passed: stop whatever is in flight and close.
    void abort() noexcept;

    // Links in the worker's list of live connections.
    Http1Connection* prev_live = nullptr;
    Http1Connection* next_live = nullptr;

private:
    enum class Phase : std::uint8_t { handshake, idle, head, body, sending, lingering };
    enum class After : std::uint8_t { read_more, flush, close, close_after_error, proxy, static_file };
    friend class DownstreamBody;
    friend class DownstreamSink;

    void on_expire() noexcept override;
    void enter_phase(Phase phase) noexcept;
    After process(std::string_view& input);
    After on_message_done();
    After on_failed(std::uint16_t status);
    bool append_response(const proxy::Response& response, bool head_only, ConnectionField connection);
    io::Task<bool> flush();
    // `last`: nothing follows on this connection (TLS then sends close_notify with it).
    io::Task<bool> send_all(std::string_view bytes, bool zero_copy, bool last = false);
    // Sends the pieces in order (sendmsg), under the send deadline; disarms it after.
    io::Task<bool> send_vectored(std::span<iovec> pieces);
    // A proxy route: streams the request body to the handler from `buffer`/`input` (the
    // caller's receive buffer and the unparsed rest of it, both replaced as the body
    // arrives) and the response back. The handler's state lives in its own frame.
    io::Task<After> serve_proxy(io::RecvBuffer& buffer, std::string_view& input);
    // A static route whose answer needs file I/O, or is sent in pieces (ranges, files read
    // as they go out): the whole request has been read.
    io::Task<After> serve_static();
    // Sends `length` bytes of `fd` from `offset`, read into the send slab piece by piece.
    io::Task<bool> send_file_range(int fd, std::uint64_t offset, std::uint64_t length);
    // What the response says of the connection: close (the client asked, or we drain),
    // keep-alive spelled out for HTTP/1.0, or nothing.
    ConnectionField connection_field(const http1::RequestHead& head) const noexcept;
    // Ends a request answered by on_message_done or serve_static: counts and logs it.
    After finish_request(const proxy::Exchange& exchange, bool head_only);
    io::Task<void> linger();
    // The next received bytes: straight from the socket, or decrypted.
    io::Task<io::RecvResult> receive();
    // TLS: runs the handshake under its own deadline; false when the connection is over.
    io::Task<bool> start_tls();
    // Hands the connection to HTTP/2 (ALPN h2, or the h2c preface in `initial`) for the
    // rest of its life.
    io::Task<void> serve_http2(std::string_view initial);
    // Sends `length` bytes of `fd` from `offset` through TLS: read, sealed, sent.
    io::Task<bool> send_file_range_tls(int fd, std::uint64_t offset, std::uint64_t length);
    bool ensure_output();
    void release_output() noexcept;
    void ensure_parser();
    void release_parser() noexcept;
    // Looked up on first use, then kept: a keep-alive client pays one getpeername(2).
    const io::PeerAddress& peer() noexcept;

    Worker& worker_;
    int fd_;
    io::RecvStream recv_;
    std::shared_ptr<const ListenerRole> role_;
    std::unique_ptr<TlsStream> tls_;  // null on plain listeners
    Http2Connection* http2_ = nullptr;  // while serve_http2 runs: where drain and abort go
    std::shared_ptr<const proxy::Pipeline> pipeline_;  // the snapshot this request runs on
    const proxy::CompiledRoute* route_ = nullptr;       // matched at head_done
    // Held only while a request is being read; idle connections give it back to the worker.
    std::unique_ptr<http1::RequestParser> parser_;
    io::Slab slab_;
    OutputBuffer out_;
    std::string_view large_body_;  // sent after out_ when it did not fit in the slab
    std::shared_ptr<const void> large_body_owner_;  // keeps large_body_ alive; else the snapshot
    const io::Completion* inflight_send_ = nullptr;  // what a deadline cancels
    std::uint64_t requests_ = 0;
    std::uint64_t body_window_bytes_ = 0;
    io::PeerAddress peer_;
    Phase phase_ = Phase::idle;
    bool timed_out_ = false;
    bool draining_ = false;
    bool aborted_ = false;
    bool in_body_ = false;  // between head_done and message_done
    bool peer_looked_up_ = false;
    bool closing_ = false;  // the response being written is the connection's last
};

// The task a worker spawns per accepted socket.
io::Task<void> serve_http1(Worker& worker, int fd, std::shared_ptr<const ListenerRole> role);

}  // namespace ringwall::server
