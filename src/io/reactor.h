// src/io/reactor.h: one io_uring event loop per worker thread.
#pragma once

#include <liburing.h>

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/buffer_ring.h"
#include "io/completion.h"
#include "io/send_slabs.h"
#include "io/task.h"
#include "io/timer_wheel.h"

namespace ringwall::io {

struct ReactorOptions {
    unsigned sq_entries = 4096;
    // Provided-buffer ring; power of two. Buffers go back as soon as a request is parsed,
    // so a few hundred serve thousands of connections; more would only spread touched
    // pages (RSS) over a larger pool.
    std::uint32_t recv_buffer_count = 256;
    std::uint32_t recv_buffer_size = 16 * 1024;
    std::uint32_t send_slab_count = 256;     // registered send memory, carved in slabs
    std::uint32_t send_slab_size = 16 * 1024;
};

// Thrown by the Reactor constructor when io_uring cannot be used; what() names the cause
// and the fix, for the operator rather than the developer.
class UringUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Owns a ring created with SINGLE_ISSUER | DEFER_TASKRUN | COOP_TASKRUN and a registered
// ring fd. Everything here must be called on the thread that constructed the reactor,
// except post(), which any thread may call.
class Reactor final : private DetachedOwner {
public:
    explicit Reactor(const ReactorOptions& options = {});
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;
    ~Reactor();

    // Next free SQE; submits what is queued when the SQ is full, never fails.
    io_uring_sqe* next_sqe();

    // Runs until stop() is called and no spawned task is left; each turn submits what
    // coroutines queued and reaps completions in a single io_uring_enter.
    void run();
    void stop() noexcept { stopping_ = true; }
    bool is_stopping() const noexcept { return stopping_; }

    // Starts `task` now and keeps it alive until it finishes; run() waits for it.
    void spawn(Task<void> task);
    std::size_t live_tasks() const noexcept { return live_tasks_; }

    // Queues `fn` to run on this reactor's thread at its next turn. Thread-safe.
    void post(std::function<void()> fn);

    // Cancels the operation whose user_data is `target`; its CQE arrives with -ECANCELED
    // (or its normal result, if it was already finishing).
    void cancel(const Completion* target);
    // Closes `fd` asynchronously; the result is not reported.
    void close_later(int fd);

    // Milliseconds on a monotonic clock, read once per loop turn.
    std::uint64_t now_ms() const noexcept { return now_ms_; }
    TimerWheel& timers() noexcept { return timers_; }
    void arm(Timer& timer, std::uint64_t delay_ms) noexcept { timers_.arm(timer, now_ms_, delay_ms); }

    BufferRing& recv_buffers() noexcept { return recv_buffers_; }
    // A receive that ended with ENOBUFS waits here until buffers come back.
    void wait_for_buffers(BufferWaiter* waiter) { buffer_waiters_.push_back(waiter); }
    void forget_buffer_waiter(BufferWaiter* waiter) noexcept;
    SendSlabs& send_slabs() noexcept { return send_slabs_; }

    // Completions that free themselves on a later CQE which may never come before the ring
    // closes (zero-copy send notifications). The reactor frees what is left at teardown,
    // once the ring can no longer post CQEs.
    void adopt(Completion* orphan) { orphans_.insert(orphan); }
    void forget(Completion* orphan) noexcept { orphans_.erase(orphan); }

    // Runs after each loop turn's completions, before the next submit (flushing logs).
    void set_turn_hook(std::function<void()> hook) { turn_hook_ = std::move(hook); }

private:
    void on_detached_done(std::exception_ptr failure) noexcept override;

    void update_clock() noexcept;
    void reap();
    void drain_mailbox();

    io_uring ring_{};
    std::uint64_t now_ms_ = 0;
    TimerWheel timers_;
    BufferRing recv_buffers_;
    SendSlabs send_slabs_;
    bool stopping_ = false;
    std::size_t live_tasks_ = 0;
    std::function<void()> turn_hook_;
    std::vector<BufferWaiter*> buffer_waiters_;
    std::unordered_set<Completion*> orphans_;
    void wake_buffer_waiters();

    int wake_fd_ = -1;
    std::uint64_t wake_value_ = 0;
    std::mutex mailbox_mutex_;
    std::vector<std::function<void()>> mailbox_;
    std::atomic<bool> wake_armed_{false};
    class WakeRead;
    std::unique_ptr<Completion> wake_read_;
    friend class WakeRead;
};

}  // namespace ringwall::io
