// src/proxy/tunnel.cc: the two copy loops of a tunnel, their idle deadline and their join.
#include "proxy/tunnel.h"

#include <sys/socket.h>

#include <array>
#include <coroutine>

#include "io/ops.h"

namespace ringwall::proxy {

namespace {

struct Direction {
    TunnelEnd* from = nullptr;
    TunnelEnd* to = nullptr;
    std::uint64_t* bytes = nullptr;
    const io::Completion* inflight_send = nullptr;
};

// Shared by the two copy loops; lives in run_tunnel's frame, which outlives both loops.
class TunnelState final : public io::Timer {
public:
    TunnelState(io::Reactor& reactor, std::uint64_t idle_ms) noexcept
        : reactor_(reactor), idle_ms_(idle_ms), last_activity_ms_(reactor.now_ms()) {}

    void start_deadline() noexcept { reactor_.arm(*this, idle_ms_); }
    void touch() noexcept { last_activity_ms_ = reactor_.now_ms(); }

    // Ends both directions: wakes their receives and cancels their sends.
    void stop_all() noexcept {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Direction& d : directions) {
            if (d.inflight_send != nullptr) {
                reactor_.cancel(d.inflight_send);
            }
            d.from->recv->interrupt();
        }
    }

    // Called by each loop as it ends; the second one resumes run_tunnel if it waits.
    void loop_done() noexcept {
        if (--running_ == 0 && joiner_) {
            std::exchange(joiner_, {}).resume();
        }
    }

    struct JoinOp {
        TunnelState& state;
        bool await_ready() const noexcept { return state.running_ == 0; }
        void await_suspend(std::coroutine_handle<> waiter) noexcept { state.joiner_ = waiter; }
        void await_resume() const noexcept {}
    };
    JoinOp join() noexcept { return JoinOp{*this}; }

    io::Reactor& reactor() noexcept { return reactor_; }

    std::array<Direction, 2> directions{};
    bool stopped = false;

private:
    void on_expire() noexcept override {
        const std::uint64_t idle_for = reactor_.now_ms() - last_activity_ms_;
        if (idle_for < idle_ms_) {
            reactor_.arm(*this, idle_ms_ - idle_for);  // traffic since: wait out the rest
            return;
        }
        stop_all();
    }

    io::Reactor& reactor_;
    std::uint64_t idle_ms_;
    std::uint64_t last_activity_ms_;
    int running_ = 2;
    std::coroutine_handle<> joiner_;
};

io::Task<bool> send_all(TunnelState& state, Direction& d, std::string_view bytes) {
    while (!bytes.empty()) {
        if (state.stopped) {
            co_return false;
        }
        io::SendOp op(state.reactor(), d.to->fd, bytes);
        d.inflight_send = &op;
        const int sent = co_await op;
        d.inflight_send = nullptr;
        if (sent <= 0) {
            co_return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
        *d.bytes += static_cast<std::uint64_t>(sent);
        state.touch();
    }
    co_return true;
}

io::Task<void> copy_loop(TunnelState& state, Direction& d) {
    bool ok = co_await send_all(state, d, d.from->pending);
    while (ok && !state.stopped) {
        io::RecvResult received = co_await d.from->recv->next();
        if (received.kind == io::RecvResult::Kind::data) {
            state.touch();
            ok = co_await send_all(state, d, received.buffer.bytes());
            continue;
        }
        if (received.kind == io::RecvResult::Kind::eof) {
            // The source is done sending; the other direction may still have a reply to carry.
            ::shutdown(d.to->fd, SHUT_WR);
            break;
        }
        ok = false;  // a reset, or interrupted by shutdown or the idle deadline
    }
    if (!ok) {
        state.stop_all();
    }
    state.loop_done();
}

}  // namespace

io::Task<TunnelResult> run_tunnel(io::Reactor& reactor, TunnelEnd client, TunnelEnd backend,
                                  std::uint64_t idle_ms) {
    TunnelResult result;
    TunnelState state(reactor, idle_ms);
    state.directions[0] = Direction{.from = &client, .to = &backend, .bytes = &result.client_to_backend};
    state.directions[1] = Direction{.from = &backend, .to = &client, .bytes = &result.backend_to_client};
    state.start_deadline();
    // One loop runs detached beside this frame; join() keeps the frame (and `state`) alive
    // until it has ended too.
    reactor.spawn(copy_loop(state, state.directions[1]));
    co_await copy_loop(state, state.directions[0]);
    co_await state.join();
    state.disarm();
    co_return result;
}

}  // namespace ringwall::proxy
