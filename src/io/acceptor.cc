// src/io/acceptor.cc: arming and re-arming multishot accept.
#include "io/acceptor.h"

#include <sys/socket.h>

#include <cerrno>

namespace ringwall::io {

namespace {
// Long enough for connections to close and free descriptors, short enough that clients
// waiting in the backlog barely notice.
constexpr std::uint64_t retry_after_error_ms = 50;
}  // namespace

void Acceptor::start() { arm(); }

void Acceptor::arm() {
    io_uring_sqe* sqe = reactor_.next_sqe();
    io_uring_prep_multishot_accept(sqe, listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data(sqe, static_cast<Completion*>(this));
    armed_ = true;
}

void Acceptor::on_complete(int result, std::uint32_t flags) noexcept {
    if (!(flags & IORING_CQE_F_MORE)) {
        armed_ = false;
    }
    const bool failed = result < 0 && result != -ECANCELED;
    if (result >= 0) {
        if (stopping_) {
            reactor_.close_later(result);  // raced with stop(): nobody will serve it
        } else {
            on_accept_(result);
        }
    } else if (failed) {
        on_accept_(result);
    }
    if (!armed_) {
        if (stopper_) {
            std::exchange(stopper_, {}).resume();
        } else if (!stopping_) {
            if (failed) {
                reactor_.arm(*this, retry_after_error_ms);
            } else {
                arm();
            }
        }
    }
}

void Acceptor::StopOp::await_suspend(std::coroutine_handle<> waiter) noexcept {
    acceptor.stopping_ = true;
    acceptor.stopper_ = waiter;
    acceptor.reactor_.cancel(&acceptor);
}

bool Acceptor::StopOp::await_ready() const noexcept {
    if (!acceptor.armed_) {
        acceptor.stopping_ = true;
        acceptor.disarm();  // waiting to re-arm after an error: nothing in flight
        return true;
    }
    return false;
}

}  // namespace ringwall::io
