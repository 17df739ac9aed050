// src/io/recv_stream.h: a connection's multishot receive, as a stream of lent buffers.
#pragma once

#include <array>
#include <coroutine>
#include <cstdint>
#include <vector>

#include "io/buffer_ring.h"
#include "io/completion.h"
#include "io/reactor.h"

namespace ringwall::io {

struct RecvResult {
    enum class Kind : std::uint8_t { data, eof, error, interrupted };
    Kind kind = Kind::data;
    int error = 0;  // errno for Kind::error
    RecvBuffer buffer;
};

// One multishot recv per connection, armed lazily, feeding a small queue of buffers from
// the shared provided-buffer ring. When the queue is full the receive is cancelled
// (backpressure: a peer that pipelines faster than we answer cannot drain the ring) and
// re-armed once the consumer catches up.
//
// always: at most one coroutine awaits next(); close() is awaited before destruction.
class RecvStream final : public Completion, public BufferWaiter {
public:
    // Two in hand keep a pipelining peer busy; every byte of queue is paid by every idle
    // connection, since the queue lives in the connection's frame.
    static constexpr std::size_t max_queued = 2;

    RecvStream(Reactor& reactor, int fd) noexcept : reactor_(reactor), fd_(fd) {}
    RecvStream(const RecvStream&) = delete;
    RecvStream& operator=(const RecvStream&) = delete;

    class NextOp {
    public:
        explicit NextOp(RecvStream& stream) noexcept : stream_(stream) {}
        bool await_ready() noexcept { return stream_.has_event(); }
        void await_suspend(std::coroutine_handle<> waiter) noexcept { stream_.wait(waiter); }
        RecvResult await_resume() noexcept { return stream_.pop(); }

    private:
        RecvStream& stream_;
    };

    // The next buffer, or end of stream, or an error, or `interrupted` after interrupt().
    NextOp next() noexcept { return NextOp(*this); }

    // Wakes a pending next() with Kind::interrupted (deadlines, shutdown). Safe to call from
    // timer callbacks; does nothing when no one waits, except that the next call of next()
    // returns interrupted at once.
    void interrupt() noexcept;

    // Cancels the multishot receive and waits for its final CQE, then drops queued buffers.
    struct CloseOp;
    CloseOp close() noexcept;

    void on_complete(int result, std::uint32_t flags) noexcept override;
    void on_buffers_available() noexcept override;

private:
    bool has_event() noexcept;
    void wait(std::coroutine_handle<> waiter) noexcept;
    RecvResult pop() noexcept;
    void arm() noexcept;
    void push(RecvBuffer buffer) noexcept;

    Reactor& reactor_;
    int fd_;
    std::coroutine_handle<> waiter_;
    std::coroutine_handle<> closer_;
    std::array<RecvBuffer, max_queued> queue_;
    // A multishot receive may post a burst of CQEs before our cancel lands; the rare excess
    // waits here instead of being dropped.
    std::vector<RecvBuffer> overflow_;
    std::uint8_t head_ = 0;
    std::uint8_t count_ = 0;
    bool armed_ = false;
    bool cancelling_ = false;
    bool ended_ = false;        // eof or error seen; reported after queued data
    bool interrupted_ = false;
    int end_result_ = 0;        // 0 for eof, -errno for errors
    bool starved_ = false;      // the ring ran dry; waiting in the reactor's list
};

struct RecvStream::CloseOp {
    RecvStream& stream;
    bool await_ready() const noexcept { return !stream.armed_; }
    void await_suspend(std::coroutine_handle<> closer) noexcept;
    void await_resume() noexcept;
};

inline RecvStream::CloseOp RecvStream::close() noexcept { return CloseOp{*this}; }

}  // namespace ringwall::io
