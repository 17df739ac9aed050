// src/io/acceptor.cc: arming and re-arming multishot accept.
#include "io/acceptor.h"

#include <sys/socket.h>

#include <cerrno>

namespace ringwall::io {

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
    if (result >= 0) {
        if (stopping_) {
            reactor_.close_later(result);  // raced with stop(): nobody will serve it
        } else {
            on_accept_(result);
        }
    } else if (result != -ECANCELED) {
        on_accept_(result);
    }
    if (!armed_) {
        if (stopper_) {
            std::exchange(stopper_, {}).resume();
        } else if (!stopping_) {
            arm();
        }
    }
}

void Acceptor::StopOp::await_suspend(std::coroutine_handle<> waiter) noexcept {
    acceptor.stopping_ = true;
    acceptor.stopper_ = waiter;
    acceptor.reactor_.cancel(&acceptor);
}

}  // namespace ringwall::io
