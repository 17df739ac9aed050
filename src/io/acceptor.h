// src/io/acceptor.h: a listening socket's multishot accept.
#pragma once

#include <coroutine>
#include <functional>

#include "io/completion.h"
#include "io/reactor.h"

namespace ringwall::io {

// Calls `on_accept(fd)` for every accepted connection (fd < 0 reports an error, such as
// EMFILE). Re-arms itself when the kernel ends the multishot; after an error it waits a
// moment first, since re-arming at once against EMFILE would spin.
// always: stop() has been awaited before destruction.
class Acceptor final : public Completion, private Timer {
public:
    Acceptor(Reactor& reactor, int listen_fd, std::function<void(int)> on_accept)
        : reactor_(reactor), listen_fd_(listen_fd), on_accept_(std::move(on_accept)) {}
    Acceptor(const Acceptor&) = delete;
    Acceptor& operator=(const Acceptor&) = delete;

    void start();
    int listen_fd() const noexcept { return listen_fd_; }

    // Cancels the accept and resumes the awaiter once its last CQE is in.
    struct StopOp {
        Acceptor& acceptor;
        bool await_ready() const noexcept;
        void await_suspend(std::coroutine_handle<> waiter) noexcept;
        void await_resume() const noexcept {}
    };
    StopOp stop() noexcept { return StopOp{*this}; }

    void on_complete(int result, std::uint32_t flags) noexcept override;

private:
    void arm();
    void on_expire() noexcept override { arm(); }

    Reactor& reactor_;
    int listen_fd_;
    std::function<void(int)> on_accept_;
    std::coroutine_handle<> stopper_;
    bool armed_ = false;
    bool stopping_ = false;
};

}  // namespace ringwall::io
