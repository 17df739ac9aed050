// src/proxy/upstream_connection.cc: connecting to backends and keeping idle connections.
#include "proxy/upstream_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "io/ops.h"

namespace ringwall::proxy {

namespace {

// Cancels a pending connect when its deadline passes.
class ConnectDeadline final : public io::Timer {
public:
    ConnectDeadline(io::Reactor& reactor, const io::Completion* op) noexcept : reactor_(reactor), op_(op) {}
    bool fired = false;

private:
    void on_expire() noexcept override {
        fired = true;
        reactor_.cancel(op_);
    }
    io::Reactor& reactor_;
    const io::Completion* op_;
};

}  // namespace

io::Task<io::RecvResult> UpstreamConnection::receive() {
    if (tls_) {
        co_return co_await tls_->next(tls_inflight_);
    }
    co_return co_await recv_.next();
}

io::Task<bool> UpstreamConnection::send(std::span<iovec> pieces, const io::Completion*& inflight) {
    if (tls_) {
        sealed_.clear();
        for (const iovec& p : pieces) {
            sealed_.append(static_cast<const char*>(p.iov_base), p.iov_len);
        }
        const bool sent = co_await tls_->send(sealed_, inflight);
        if (sealed_.capacity() > 64 * 1024) {
            std::string().swap(sealed_);  // an upload's chunk; idle connections keep nothing large
        }
        co_return sent;
    }
    std::size_t first = 0;
    while (first < pieces.size()) {
        if (pieces[first].iov_len == 0) {
            ++first;
            continue;
        }
        int sent;
        if (first + 1 == pieces.size()) {
            // One piece (a request head): plain send skips importing a msghdr and iovec.
            io::SendOp op(reactor_, fd_,
                          std::string_view(static_cast<const char*>(pieces[first].iov_base), pieces[first].iov_len));
            inflight = &op;
            sent = co_await op;
        } else {
            msghdr message{};
            message.msg_iov = &pieces[first];
            message.msg_iovlen = pieces.size() - first;
            io::SendMsgOp op(reactor_, fd_, &message);
            inflight = &op;
            sent = co_await op;
        }
        inflight = nullptr;
        if (sent <= 0) {
            co_return false;
        }
        first = io::skip_sent(pieces, first, static_cast<std::size_t>(sent));
    }
    co_return true;
}

bool UpstreamConnection::absorb_idle(std::string_view bytes) {
    std::string plaintext;
    if (tls_) {
        if (!tls_->absorb(bytes, plaintext)) {
            return false;
        }
        bytes = plaintext;
    }
    if (bytes.empty()) {
        return true;
    }
    // An HTTP/1.1 backend has nothing to say between responses.
    return h2_ != nullptr && h2_->feed(bytes) && !h2_->failed() && h2_->accepts_requests();
}

void UpstreamConnection::on_expire() noexcept {
    if (pool_ != nullptr) {
        pool_->expire(*this);
    }
}

io::Task<void> close_upstream(io::Reactor& reactor, std::unique_ptr<UpstreamConnection> connection) {
    co_await connection->recv().close();
    reactor.close_later(connection->fd());
}

io::Task<ConnectResult> connect_upstream(io::Reactor& reactor, const io::SocketAddress& address,
                                         std::size_t backend, std::uint64_t timeout_ms) {
    const int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        co_return ConnectResult{.connection = nullptr, .error = errno, .timed_out = false};
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    io::ConnectOp op(reactor, fd, address.get(), address.length);
    ConnectDeadline deadline(reactor, &op);
    reactor.arm(deadline, timeout_ms);
    const int result = co_await op;
    deadline.disarm();
    if (result < 0) {
        ::close(fd);
        co_return ConnectResult{.connection = nullptr,
                                .error = -result,
                                .timed_out = deadline.fired && result == -ECANCELED};
    }
    co_return ConnectResult{.connection = std::make_unique<UpstreamConnection>(reactor, fd, backend),
                            .error = 0, .timed_out = false};
}

ConnectionPool::~ConnectionPool() { close(); }

std::unique_ptr<UpstreamConnection> ConnectionPool::take() {
    while (!idle_.empty()) {
        std::unique_ptr<UpstreamConnection> connection = std::move(idle_.back());
        idle_.pop_back();
        connection->disarm();
        connection->pool_ = nullptr;
        // An end of stream, an error or stray bytes waiting in the stream of an idle
        // connection mean it cannot carry a request: the keep-alive close race, caught
        // here at no cost instead of after sending.
        bool usable = true;
        for (;;) {
            io::RecvStream::NextOp probe = connection->recv().next();
            if (!probe.await_ready()) {
                break;
            }
            const io::RecvResult waiting = probe.await_resume();
            usable = waiting.kind == io::RecvResult::Kind::data && connection->absorb_idle(waiting.buffer.bytes());
            if (!usable) {
                break;
            }
        }
        if (usable) {
            return connection;
        }
        discard(std::move(connection));
    }
    return nullptr;
}

void ConnectionPool::put(std::unique_ptr<UpstreamConnection> connection) {
    if (closed_ || max_idle_ == 0) {
        discard(std::move(connection));
        return;
    }
    if (idle_.size() >= max_idle_) {
        std::unique_ptr<UpstreamConnection> oldest = std::move(idle_.front());
        idle_.erase(idle_.begin());
        oldest->disarm();
        oldest->pool_ = nullptr;
        discard(std::move(oldest));
    }
    connection->pool_ = this;
    reactor_.arm(*connection, idle_timeout_ms_);
    idle_.push_back(std::move(connection));
}

void ConnectionPool::close() {
    closed_ = true;
    while (!idle_.empty()) {
        std::unique_ptr<UpstreamConnection> connection = std::move(idle_.back());
        idle_.pop_back();
        connection->disarm();
        connection->pool_ = nullptr;
        discard(std::move(connection));
    }
}

void ConnectionPool::expire(UpstreamConnection& connection) noexcept {
    const auto it = std::find_if(idle_.begin(), idle_.end(),
                                 [&](const auto& c) { return c.get() == &connection; });
    if (it == idle_.end()) {
        return;
    }
    std::unique_ptr<UpstreamConnection> owned = std::move(*it);
    idle_.erase(it);
    owned->pool_ = nullptr;
    discard(std::move(owned));
}

void ConnectionPool::discard(std::unique_ptr<UpstreamConnection> connection) noexcept {
    try {
        reactor_.spawn(close_upstream(reactor_, std::move(connection)));
    } catch (...) {
        // bad_alloc for the frame: the connection leaks rather than freeing an armed receive.
    }
}

}  // namespace ringwall::proxy
