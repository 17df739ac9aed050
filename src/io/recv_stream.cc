// src/io/recv_stream.cc: arming, queuing and cancelling a multishot receive.
#include "io/recv_stream.h"

#include <cerrno>

namespace ringwall::io {

void RecvStream::arm() noexcept {
    io_uring_sqe* sqe = reactor_.next_sqe();
    io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BufferRing::group_id;
    io_uring_sqe_set_data(sqe, static_cast<Completion*>(this));
    armed_ = true;
}

bool RecvStream::has_event() noexcept {
    if (count_ > 0 || ended_ || interrupted_) {
        return true;
    }
    if (!armed_ && !closer_ && !starved_) {
        arm();
    }
    return false;
}

void RecvStream::wait(std::coroutine_handle<> waiter) noexcept { waiter_ = waiter; }

RecvResult RecvStream::pop() noexcept {
    if (interrupted_) {
        interrupted_ = false;
        return RecvResult{.kind = RecvResult::Kind::interrupted, .error = 0, .buffer = {}};
    }
    if (count_ > 0) {
        RecvResult out{.kind = RecvResult::Kind::data, .error = 0, .buffer = std::move(queue_[head_])};
        head_ = static_cast<std::uint8_t>((head_ + 1) % max_queued);
        --count_;
        if (!overflow_.empty()) {
            queue_[(head_ + count_) % max_queued] = std::move(overflow_.front());
            ++count_;
            overflow_.erase(overflow_.begin());
        }
        return out;
    }
    if (end_result_ == 0) {
        return RecvResult{.kind = RecvResult::Kind::eof, .error = 0, .buffer = {}};
    }
    return RecvResult{.kind = RecvResult::Kind::error, .error = -end_result_, .buffer = {}};
}

void RecvStream::push(RecvBuffer buffer) noexcept {
    if (count_ < max_queued && overflow_.empty()) {
        queue_[(head_ + count_) % max_queued] = std::move(buffer);
        ++count_;
    } else {
        overflow_.push_back(std::move(buffer));
    }
}

void RecvStream::interrupt() noexcept {
    interrupted_ = true;
    if (waiter_) {
        std::exchange(waiter_, {}).resume();
    }
}

void RecvStream::on_complete(int result, std::uint32_t flags) noexcept {
    const bool more = flags & IORING_CQE_F_MORE;
    if (!more) {
        armed_ = false;
    }
    if (result > 0) {
        push(reactor_.recv_buffers().take(flags, static_cast<std::uint32_t>(result)));
        if (count_ == max_queued && armed_ && !cancelling_) {
            cancelling_ = true;
            reactor_.cancel(this);
        }
    } else if (result == 0) {
        ended_ = true;
    } else if (result == -ENOBUFS) {
        // The shared ring ran dry. Buffers come back as other connections finish parsing,
        // so this is a pause, not an error: wait for them rather than re-arm into nothing.
        if (!armed_ && !starved_ && !closer_) {
            starved_ = true;
            reactor_.wait_for_buffers(this);
        }
    } else if (result != -ECANCELED) {
        ended_ = true;
        end_result_ = result;
    }
    if (!armed_) {
        cancelling_ = false;
        if (closer_) {
            std::exchange(closer_, {}).resume();
            return;
        }
    }
    if (waiter_ && (count_ > 0 || ended_)) {
        std::exchange(waiter_, {}).resume();
    } else if (waiter_ && !armed_ && !starved_) {
        arm();  // cancelled for backpressure, and the consumer wants more now
    }
}

void RecvStream::on_buffers_available() noexcept {
    starved_ = false;
    if (waiter_ && !armed_ && !closer_) {
        arm();
    }
}

void RecvStream::CloseOp::await_suspend(std::coroutine_handle<> closer) noexcept {
    stream.closer_ = closer;
    if (!stream.cancelling_) {
        stream.cancelling_ = true;
        stream.reactor_.cancel(&stream);
    }
}

void RecvStream::CloseOp::await_resume() noexcept {
    if (stream.starved_) {
        stream.starved_ = false;
        stream.reactor_.forget_buffer_waiter(&stream);
    }
    while (stream.count_ > 0) {
        stream.queue_[stream.head_].release();
        stream.head_ = static_cast<std::uint8_t>((stream.head_ + 1) % max_queued);
        --stream.count_;
    }
    stream.overflow_.clear();
    stream.overflow_.shrink_to_fit();
}

}  // namespace ringwall::io
