// src/io/ops.h: single-shot awaitable operations; their state lives in the awaiting frame.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "io/completion.h"
#include "io/reactor.h"

namespace ringwall::io {

// Base for operations with exactly one CQE. Not movable once awaited: the SQE points at it.
class SingleShotOp : public Completion {
public:
    explicit SingleShotOp(Reactor& reactor) noexcept : reactor_(reactor) {}
    SingleShotOp(const SingleShotOp&) = delete;
    SingleShotOp& operator=(const SingleShotOp&) = delete;

    bool await_ready() const noexcept { return false; }
    int await_resume() const noexcept { return result_; }  // bytes or fd, or -errno

    void on_complete(int result, std::uint32_t) noexcept override {
        result_ = result;
        waiter_.resume();
    }

protected:
    io_uring_sqe* prepare(std::coroutine_handle<> waiter) {
        waiter_ = waiter;
        io_uring_sqe* sqe = reactor_.next_sqe();
        return sqe;
    }
    void bind(io_uring_sqe* sqe) noexcept { io_uring_sqe_set_data(sqe, static_cast<Completion*>(this)); }

    Reactor& reactor_;
    std::coroutine_handle<> waiter_;
    int result_ = 0;
};

// send(2) with MSG_NOSIGNAL; may be partial, the caller loops.
class SendOp final : public SingleShotOp {
public:
    SendOp(Reactor& reactor, int fd, std::string_view bytes) noexcept
        : SingleShotOp(reactor), fd_(fd), bytes_(bytes) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        io_uring_prep_send(sqe, fd_, bytes_.data(), bytes_.size(), MSG_NOSIGNAL);
        bind(sqe);
    }

private:
    int fd_;
    std::string_view bytes_;
};

// sendmsg(2) with MSG_NOSIGNAL, to send several pieces (a chunk's size line, its data and
// CRLF) in one operation without copying them together; may be partial, the caller loops.
// `message` and its iovecs must stay valid until the operation completes.
class SendMsgOp final : public SingleShotOp {
public:
    SendMsgOp(Reactor& reactor, int fd, const msghdr* message) noexcept
        : SingleShotOp(reactor), fd_(fd), message_(message) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        io_uring_prep_sendmsg(sqe, fd_, message_, MSG_NOSIGNAL);
        bind(sqe);
    }

private:
    int fd_;
    const msghdr* message_;
};

// Zero-copy send. The kernel posts two CQEs: the result (with F_MORE), then a
// notification once it no longer reads the memory, which for a peer that stops reading can
// be never. So the coroutine resumes at the first CQE, and the state that the second CQE
// names lives on the heap until it arrives, holding `keep_alive` (the owner of the bytes).
// The bytes must not be reused or freed by the caller: only immutable memory kept alive by
// `keep_alive` may be sent this way.
class SendZcOp {
public:
    SendZcOp(Reactor& reactor, int fd, std::string_view bytes, std::shared_ptr<const void> keep_alive)
        : reactor_(reactor), fd_(fd), bytes_(bytes), state_(new State(reactor, std::move(keep_alive))) {}
    SendZcOp(const SendZcOp&) = delete;
    SendZcOp& operator=(const SendZcOp&) = delete;
    ~SendZcOp() {
        if (state_ != nullptr) {
            if (submitted_) {
                state_->waiter = {};  // abandoned in flight: the CQEs will free the state
            } else {
                delete state_;
            }
        }
    }

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> waiter) {
        state_->waiter = waiter;
        submitted_ = true;
        io_uring_sqe* sqe = reactor_.next_sqe();
        io_uring_prep_send_zc(sqe, fd_, bytes_.data(), bytes_.size(), MSG_NOSIGNAL, 0);
        io_uring_sqe_set_data(sqe, static_cast<Completion*>(state_));
    }
    int await_resume() noexcept {
        const int result = state_->result;
        state_ = state_->finished ? (delete state_, nullptr) : (state_->waiter = {}, nullptr);
        return result;
    }
    // The user_data to cancel while the send has not completed.
    const Completion* target() const noexcept { return state_; }

private:
    struct State final : Completion {
        State(Reactor& r, std::shared_ptr<const void> k) : reactor(r), keep_alive(std::move(k)) {
            reactor.adopt(this);
        }
        ~State() override { reactor.forget(this); }
        void on_complete(int res, std::uint32_t flags) noexcept override {
            if (flags & IORING_CQE_F_NOTIF) {
                delete this;  // the kernel is done with the bytes; the sender left long ago
                return;
            }
            result = res;
            finished = !(flags & IORING_CQE_F_MORE);
            std::coroutine_handle<> w = std::exchange(waiter, {});
            const bool last = finished;
            if (w) {
                w.resume();  // await_resume deletes us when no notification follows
            } else if (last) {
                delete this;
            }
        }
        Reactor& reactor;
        std::coroutine_handle<> waiter;
        std::shared_ptr<const void> keep_alive;
        int result = 0;
        bool finished = false;
    };

    Reactor& reactor_;
    int fd_;
    std::string_view bytes_;
    State* state_;
    bool submitted_ = false;
};

class ConnectOp final : public SingleShotOp {
public:
    ConnectOp(Reactor& reactor, int fd, const sockaddr* addr, socklen_t len) noexcept
        : SingleShotOp(reactor), fd_(fd), addr_(addr), len_(len) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        io_uring_prep_connect(sqe, fd_, addr_, len_);
        bind(sqe);
    }

private:
    int fd_;
    const sockaddr* addr_;
    socklen_t len_;
};

// Suspends the coroutine until `delay_ms` has passed, on the reactor's timer wheel.
class SleepOp final : public Timer {
public:
    SleepOp(Reactor& reactor, std::uint64_t delay_ms) noexcept : reactor_(reactor), delay_ms_(delay_ms) {}
    bool await_ready() const noexcept { return delay_ms_ == 0; }
    void await_suspend(std::coroutine_handle<> waiter) noexcept {
        waiter_ = waiter;
        reactor_.arm(*this, delay_ms_);
    }
    void await_resume() const noexcept {}

private:
    void on_expire() noexcept override { waiter_.resume(); }

    Reactor& reactor_;
    std::uint64_t delay_ms_;
    std::coroutine_handle<> waiter_;
};

inline SleepOp sleep_for(Reactor& reactor, std::uint64_t delay_ms) noexcept {
    return SleepOp(reactor, delay_ms);
}

// After a vectored send of `sent` bytes from pieces[first...]: trims what went out and
// returns the index of the first piece with bytes left (pieces.size() when all went).
inline std::size_t skip_sent(std::span<iovec> pieces, std::size_t first, std::size_t sent) noexcept {
    while (sent > 0 && first < pieces.size()) {
        const std::size_t n = std::min(sent, pieces[first].iov_len);
        pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + n;
        pieces[first].iov_len -= n;
        sent -= n;
        if (pieces[first].iov_len == 0) {
            ++first;
        }
    }
    return first;
}

}  // namespace ringwall::io
