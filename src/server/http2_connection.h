// src/server/http2_connection.h: one downstream HTTP/2 connection (h2 over TLS, or h2c with
// prior knowledge), framed by nghttp2 and answered by the same handlers as HTTP/1.1.
#pragma once

#include <nghttp2/nghttp2.h>

#include <coroutine>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/recv_stream.h"
#include "io/task.h"
#include "io/timer_wheel.h"
#include "proxy/pipeline.h"
#include "server/http2_stream.h"

namespace ringwall::server {

class Worker;
class TlsStream;

// Runs inside the frame of the connection that accepted the socket, which owns the socket,
// its receive stream and the TLS session. One coroutine reads frames and writes what
// nghttp2 queues; handlers that wait (file I/O, upstreams) run as tasks per stream and
// wake it when they have something to send. It ends only after every task has ended.
class Http2Connection final : private io::Timer {
public:
    Http2Connection(Worker& worker, int fd, io::RecvStream& recv, TlsStream* tls, std::string client_address);
    Http2Connection(const Http2Connection&) = delete;
    Http2Connection& operator=(const Http2Connection&) = delete;
    ~Http2Connection();

    // `initial`: bytes already received (the preface, for h2c).
    io::Task<void> run(std::string_view initial);

    void begin_drain() noexcept;
    void abort() noexcept;

private:
    friend class Http2Callbacks;
    friend class Http2RequestBody;
    friend class Http2ResponseSink;
    struct StreamWait;
    struct TasksDone;

    void on_expire() noexcept override;
    bool start_session();
    // Feeds received bytes to nghttp2; false on a fatal error (GOAWAY is queued when one is due).
    bool feed(std::string_view bytes);
    io::Task<bool> flush();
    io::Task<bool> send_bytes(std::string_view bytes);
    io::Task<io::RecvResult> receive();

    Http2Stream* find(std::int32_t id) noexcept;
    void end_of_headers(Http2Stream& stream, bool end_stream);
    void on_request_complete(Http2Stream& stream);
    void answer(Http2Stream& stream);
    // `body_follows`: file pieces will be queued by a task after the head.
    void submit_exchange(Http2Stream& stream, bool body_follows = false);
    // Submits the response head; with a body, a data source that the stream's queue feeds.
    bool submit_head(Http2Stream& stream, std::uint16_t status, std::span<const nghttp2_nv> fields, bool has_body);
    void submit_error(Http2Stream& stream, std::uint16_t status);
    void queue_body(Http2Stream& stream, std::string_view bytes, bool copy);
    void glitch() noexcept;
    // Wakes the stream's task from the connection's loop (never from inside nghttp2).
    void notify(Http2Stream& stream) noexcept;
    // Wakes the connection's loop; safe from a stream's task.
    void wake() noexcept;
    void resume_ready();
    void forget_if_done(Http2Stream& stream);
    void log_request(const Http2Stream& stream);

    io::Task<void> static_task(Http2Stream& stream);
    io::Task<void> proxy_task(Http2Stream& stream);
    void start_task(Http2Stream& stream);

    Worker& worker_;
    int fd_;
    io::RecvStream& recv_;
    TlsStream* tls_;
    std::string client_address_;
    std::shared_ptr<const proxy::Pipeline> pipeline_;
    nghttp2_session* session_ = nullptr;
    std::unordered_map<std::int32_t, std::unique_ptr<Http2Stream>> streams_;
    std::vector<Http2Stream*> to_start_;          // tasks to start once nghttp2 returns
    std::vector<std::coroutine_handle<>> ready_;  // waiters to resume from the loop
    std::string out_;                             // frames to send
    const io::Completion* inflight_send_ = nullptr;
    std::coroutine_handle<> tasks_done_;
    std::uint32_t tasks_ = 0;
    std::uint32_t glitches_ = 0;
    std::uint32_t priority_frames_ = 0;
    std::uint32_t active_requests_ = 0;  // streams whose request is still arriving
    bool in_loop_wait_ = false;
    bool draining_ = false;
    bool goaway_sent_ = false;
    bool aborted_ = false;
    bool timed_out_ = false;
    bool closed_ = false;
};

}  // namespace ringwall::server
