// src/io/reactor.cc: ring setup, the loop, detached tasks and the cross-thread mailbox.
#include "io/reactor.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>

#include "io/uring_diagnosis.h"

namespace ringwall::io {

namespace {

std::uint64_t monotonic_ms() noexcept {
    timespec ts{};
    // COARSE is a vDSO read of the last tick: deadlines need milliseconds, not nanoseconds.
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1'000'000;
}

}  // namespace

// Re-armed read on the eventfd other threads write to after queuing work in the mailbox.
class Reactor::WakeRead final : public Completion {
public:
    explicit WakeRead(Reactor& reactor) noexcept : reactor_(reactor) {}
    void arm() {
        io_uring_sqe* sqe = reactor_.next_sqe();
        io_uring_prep_read(sqe, reactor_.wake_fd_, &reactor_.wake_value_, sizeof reactor_.wake_value_, 0);
        io_uring_sqe_set_data(sqe, static_cast<Completion*>(this));
    }
    void on_complete(int, std::uint32_t) noexcept override {
        reactor_.drain_mailbox();
        arm();
    }

private:
    Reactor& reactor_;
};

void Reactor::on_detached_done(std::exception_ptr failure) noexcept {
    --live_tasks_;
    if (failure) {
        // Nothing awaits a spawned task, so an exception escaping one is a bug to report,
        // not a reason to take the worker down.
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ringwall: task failed: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "ringwall: task failed\n");
        }
    }
}

Reactor::Reactor(const ReactorOptions& options) : timers_(monotonic_ms()) {
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
                   IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;
    params.cq_entries = options.sq_entries * 4;
    if (int rc = io_uring_queue_init_params(options.sq_entries, &ring_, &params); rc < 0) {
        throw UringUnavailable(describe_uring_failure(-rc));
    }
    // One fewer fget/fput per io_uring_enter; optional, so failure is not an error.
    (void)io_uring_register_ring_fd(&ring_);
    if (int rc = recv_buffers_.init(ring_, options.recv_buffer_count, options.recv_buffer_size); rc < 0) {
        io_uring_queue_exit(&ring_);
        throw UringUnavailable("cannot register the receive buffer ring: " +
                               std::string(std::strerror(-rc)) +
                               " (needs Linux 5.19 or later; check RLIMIT_MEMLOCK)");
    }
    if (int rc = send_slabs_.init(ring_, options.send_slab_count, options.send_slab_size); rc < 0) {
        io_uring_queue_exit(&ring_);
        throw UringUnavailable("cannot register send buffers: " + std::string(std::strerror(-rc)) +
                               " (raise RLIMIT_MEMLOCK, e.g. LimitMEMLOCK=infinity in the unit file)");
    }
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        io_uring_queue_exit(&ring_);
        throw std::runtime_error("eventfd: " + std::string(std::strerror(errno)));
    }
    now_ms_ = monotonic_ms();
    auto wake = std::make_unique<WakeRead>(*this);
    wake->arm();
    wake_read_ = std::move(wake);
}

Reactor::~Reactor() {
    io_uring_queue_exit(&ring_);
    // Each orphan forgets itself as it dies: iterate over a copy.
    const std::vector<Completion*> orphans(orphans_.begin(), orphans_.end());
    for (Completion* orphan : orphans) {
        delete orphan;
    }
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
}

io_uring_sqe* Reactor::next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    while (sqe == nullptr) {
        io_uring_submit(&ring_);
        sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
}

void Reactor::spawn(Task<void> task) {
    ++live_tasks_;
    task.start_detached(*this);
}

void Reactor::post(std::function<void()> fn) {
    {
        std::lock_guard lock(mailbox_mutex_);
        mailbox_.push_back(std::move(fn));
    }
    const std::uint64_t one = 1;
    // The eventfd counter only needs to become non-zero; a failed write means it already is.
    (void)!::write(wake_fd_, &one, sizeof one);
}

void Reactor::drain_mailbox() {
    std::vector<std::function<void()>> work;
    {
        std::lock_guard lock(mailbox_mutex_);
        work.swap(mailbox_);
    }
    for (auto& fn : work) {
        fn();
    }
}

void Reactor::cancel(const Completion* target) {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_cancel(sqe, const_cast<Completion*>(target), 0);
    io_uring_sqe_set_data64(sqe, 0);
}

void Reactor::close_later(int fd) {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_close(sqe, fd);
    io_uring_sqe_set_data64(sqe, 0);
}

void Reactor::forget_buffer_waiter(BufferWaiter* waiter) noexcept {
    std::erase(buffer_waiters_, waiter);
}

void Reactor::wake_buffer_waiters() {
    // Wake only as many as there are buffers (a quarter of them at least), oldest first;
    // waking everyone into an empty ring is the spin this list exists to prevent.
    std::size_t budget = recv_buffers_.available();
    if (budget < recv_buffers_.lent() / 4 + 1) {
        return;
    }
    const std::size_t woken = std::min(budget, buffer_waiters_.size());
    std::vector<BufferWaiter*> ready(buffer_waiters_.begin(), buffer_waiters_.begin() + static_cast<std::ptrdiff_t>(woken));
    buffer_waiters_.erase(buffer_waiters_.begin(), buffer_waiters_.begin() + static_cast<std::ptrdiff_t>(woken));
    for (BufferWaiter* waiter : ready) {
        waiter->on_buffers_available();
    }
}

void Reactor::update_clock() noexcept { now_ms_ = monotonic_ms(); }

void Reactor::reap() {
    // Copy the batch out and advance the CQ before resuming anything: a resumed coroutine
    // may submit, and submitting may post new CQEs behind the ones we hold.
    std::array<io_uring_cqe*, 256> cqes;
    struct Event {
        std::uint64_t user_data;
        int result;
        std::uint32_t flags;
    };
    std::array<Event, 256> events;
    for (;;) {
        const unsigned n = io_uring_peek_batch_cqe(&ring_, cqes.data(), cqes.size());
        if (n == 0) {
            return;
        }
        for (unsigned i = 0; i < n; ++i) {
            events[i] = Event{cqes[i]->user_data, cqes[i]->res, cqes[i]->flags};
        }
        io_uring_cq_advance(&ring_, n);
        for (unsigned i = 0; i < n; ++i) {
            if (events[i].user_data != 0) {
                reinterpret_cast<Completion*>(events[i].user_data)->on_complete(events[i].result, events[i].flags);
            }
        }
        if (n < cqes.size()) {
            return;
        }
    }
}

void Reactor::run() {
    while (!(stopping_ && live_tasks_ == 0)) {
        if (turn_hook_) {
            turn_hook_();
        }
        io_uring_cqe* cqe = nullptr;
        int rc;
        if (timers_.armed_count() > 0) {
            __kernel_timespec ts{};
            ts.tv_nsec = static_cast<long long>(timers_.ms_until_next_tick(now_ms_)) * 1'000'000;
            rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
        } else {
            rc = io_uring_submit_and_wait(&ring_, 1);
        }
        if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY) {
            throw std::runtime_error("io_uring_enter: " + std::string(std::strerror(-rc)));
        }
        update_clock();
        reap();
        timers_.advance(now_ms_);
        if (!buffer_waiters_.empty()) {
            wake_buffer_waiters();
        }
    }
    if (turn_hook_) {
        turn_hook_();
    }
}

}  // namespace ringwall::io
