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

namespace ringwall::transport {
class TlsStream;
}

namespace ringwall::server {

class Worker;
using transport::TlsStream;

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
    struct WriterWait;
    struct WriterDone;
    class SendDeadline final : public io::Timer {
    public:
        explicit SendDeadline(Http2Connection& owner) noexcept : connection(owner) {}
        void on_expire() noexcept override;
        Http2Connection& connection;
    };

    void on_expire() noexcept override;
    bool start_session();
    // Feeds received bytes to nghttp2; false on a fatal error (GOAWAY is queued when one is due).
    bool feed(std::string_view bytes);
    // Sends what nghttp2 queues, as long as the connection lasts; a task of its own.
    io::Task<void> write_loop();
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
    // Ends the connection with GOAWAY(code); returned from a callback, it stops nghttp2.
    int connection_error(std::uint32_t code) noexcept;
    int check_window_change(const nghttp2_settings& settings) noexcept;
    // Wakes the stream's task from the connection's loop (never from inside nghttp2).
    void notify(Http2Stream& stream) noexcept;
    // Wakes the writer: there is something to send. Safe from a stream's task.
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
    std::int32_t max_client_stream_ = 0;
    std::int64_t peer_initial_window_ = 65535;  // RFC 9113 §6.9.2's default
    // Send windows of open streams as they were before the SETTINGS frame being read.
    std::vector<std::pair<std::int32_t, std::int32_t>> windows_before_settings_;
    std::uint32_t priority_frames_ = 0;
    std::uint32_t active_requests_ = 0;  // streams whose request is still arriving
    SendDeadline send_deadline_{*this};
    std::coroutine_handle<> writer_;
    std::coroutine_handle<> reader_waits_for_writer_;
    bool writer_waiting_ = false;
    bool writer_done_ = false;
    bool reader_done_ = false;
    bool in_reader_ = false;  // inside nghttp2_session_mem_recv: the writer waits its turn
    bool send_timed_out_ = false;
    bool draining_ = false;
    bool goaway_sent_ = false;
    bool aborted_ = false;
    bool timed_out_ = false;
    bool closed_ = false;
};

}  // namespace ringwall::server
