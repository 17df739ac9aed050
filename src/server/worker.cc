// src/server/worker.cc: the worker thread's accept loop, reloads and draining.
#include "server/worker.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/ops.h"
#include "io/recv_stream.h"
#include "server/http1_connection.h"
#include "util/log.h"

namespace ringwall::server {

namespace {

constexpr std::string_view overload_response =
    "HTTP/1.1 503 Service Unavailable\r\nServer: ringwall\r\nContent-Type: text/plain\r\n"
    "Content-Length: 24\r\nConnection: close\r\n\r\n503 Service Unavailable\n";

// Over max_connections: answer 503, then read what the client sent until it closes (at most
// a second) so that our close does not reset the answer away.
io::Task<void> refuse(io::Reactor& reactor, int fd) {
    io::SendOp send(reactor, fd, overload_response);
    if (co_await send > 0) {
        ::shutdown(fd, SHUT_WR);
        io::RecvStream recv(reactor, fd);
        struct Deadline final : io::Timer {
            io::RecvStream* stream = nullptr;
            void on_expire() noexcept override { stream->interrupt(); }
        } deadline;
        deadline.stream = &recv;
        reactor.arm(deadline, 1000);
        for (int i = 0; i < 64; ++i) {
            io::RecvResult received = co_await recv.next();
            if (received.kind != io::RecvResult::Kind::data) {
                break;
            }
        }
        deadline.disarm();
        co_await recv.close();
    }
    reactor.close_later(fd);
}

}  // namespace

class Worker::DrainDeadline final : public io::Timer {
public:
    explicit DrainDeadline(Worker& worker) noexcept : worker_(worker) {}

private:
    void on_expire() noexcept override { worker_.abort_all(); }
    Worker& worker_;
};

Worker::Worker(unsigned index, unsigned worker_count, std::shared_ptr<const proxy::Pipeline> pipeline,
               std::vector<ListenSocket> listeners)
    : index_(index), worker_count_(worker_count), pipeline_(std::move(pipeline)), initial_listeners_(std::move(listeners)) {}

Worker::~Worker() {
    join();
    acceptors_.clear();
}

std::future<std::string> Worker::start() {
    std::promise<std::string> started;
    std::future<std::string> result = started.get_future();
    thread_ = std::thread([this, p = std::move(started)]() mutable { thread_main(std::move(p)); });
    return result;
}

void Worker::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Worker::thread_main(std::promise<std::string> started) {
    try {
        reactor_ = std::make_unique<io::Reactor>();
    } catch (const std::exception& e) {
        started.set_value(e.what());
        stopped_ = true;
        return;
    }
    reactor_->set_turn_hook([this] { access_log_.flush(); });
    for (const ListenSocket& socket : initial_listeners_) {
        start_listener(socket);
    }
    initial_listeners_.clear();
    upstreams_for(pipeline_);  // now, so that active health checks start without traffic
    started.set_value("");
    try {
        reactor_->run();
    } catch (const std::exception& e) {
        RINGWALL_LOG(error, "worker " + std::to_string(index_) + " stopped: " + e.what());
    }
    drain_deadline_.reset();
    upstreams_.reset();
    static_files_.reset();
    // The reactor stays until the Worker is destroyed: the main thread may still post to
    // its mailbox, which nobody reads any more.
    stopped_ = true;
}

void Worker::start_listener(const ListenSocket& socket) {
    roles_[socket.key] = socket.role;
    auto acceptor = std::make_unique<io::Acceptor>(*reactor_, socket.fd,
                                                   [this, key = socket.key](int fd) { on_accept(fd, key); });
    acceptor->start();
    acceptors_[socket.key] = std::move(acceptor);
}

io::Task<void> Worker::stop_listener(std::unique_ptr<io::Acceptor> acceptor) {
    co_await acceptor->stop();
    ::close(acceptor->listen_fd());
}

void Worker::on_accept(int fd, const std::string& key) {
    if (fd < 0) {
        // EMFILE/ENFILE: the connection stays in the backlog and the acceptor retries; one
        // line a second is enough to tell the operator.
        ++accept_errors_;
        if (reactor_->now_ms() >= next_accept_error_log_ms_) {
            next_accept_error_log_ms_ = reactor_->now_ms() + 1000;
            RINGWALL_LOG(warn, std::string("accept failed: ") + std::strerror(-fd) + " (" +
                                   std::to_string(accept_errors_) + " so far; raise the open files limit)");
        }
        return;
    }
    if (connections_ >= pipeline_->config().limits.max_connections) {
        ++refused_;
        reactor_->spawn(refuse(*reactor_, fd));
        return;
    }
    reactor_->spawn(serve_http1(*this, fd, roles_[key]));
}

void Worker::link(Http1Connection& connection) noexcept {
    ++connections_;
    connection.next_live = live_;
    if (live_ != nullptr) {
        live_->prev_live = &connection;
    }
    live_ = &connection;
}

void Worker::unlink(Http1Connection& connection) noexcept {
    --connections_;
    if (connection.prev_live != nullptr) {
        connection.prev_live->next_live = connection.next_live;
    } else {
        live_ = connection.next_live;
    }
    if (connection.next_live != nullptr) {
        connection.next_live->prev_live = connection.prev_live;
    }
}

namespace {

constexpr std::size_t max_spare_parsers = 256;

http1::Limits parser_limits(const config::Limits& limits) {
    return http1::Limits{.max_request_line = limits.max_request_line,
                         .max_field_size = limits.max_field_size,
                         .max_header_size = limits.max_header_size,
                         .max_fields = limits.max_fields,
                         .max_body_size = limits.max_body_size,
                         .max_chunk_extension = 1024};
}

}  // namespace

std::unique_ptr<http1::RequestParser> Worker::take_parser() {
    if (spare_parsers_.empty()) {
        return std::make_unique<http1::RequestParser>(parser_limits(pipeline_->config().limits));
    }
    std::unique_ptr<http1::RequestParser> parser = std::move(spare_parsers_.back());
    spare_parsers_.pop_back();
    return parser;
}

void Worker::return_parser(std::unique_ptr<http1::RequestParser> parser,
                           const proxy::Pipeline* built_for) noexcept {
    // A parser built for an older snapshot carries its limits: let it go.
    if (built_for == pipeline_.get() && spare_parsers_.size() < max_spare_parsers) {
        parser->reset();
        spare_parsers_.push_back(std::move(parser));
    }
}

const std::shared_ptr<proxy::StaticFiles>& Worker::static_files_for(
    const std::shared_ptr<const proxy::Pipeline>& pipeline) {
    if (!static_files_ || &static_files_->pipeline() != pipeline.get()) {
        static_files_ = std::make_shared<proxy::StaticFiles>(*reactor_, pipeline, worker_count_);
    }
    return static_files_;
}

std::shared_ptr<proxy::UpstreamSet> Worker::upstreams_for(
    const std::shared_ptr<const proxy::Pipeline>& pipeline) {
    if (!upstreams_ || &upstreams_->pipeline() != pipeline.get()) {
        if (upstreams_) {
            upstreams_->close_idle();
        }
        upstreams_ = std::make_shared<proxy::UpstreamSet>(*reactor_, pipeline);
        if (draining_) {
            upstreams_->close_idle();
        }
    }
    return upstreams_;
}

void Worker::post_reload(std::shared_ptr<const proxy::Pipeline> pipeline, std::vector<ListenSocket> listeners) {
    reactor_->post([this, p = std::move(pipeline), l = std::move(listeners)]() mutable {
        pipeline_ = std::move(p);
        spare_parsers_.clear();
        apply_listeners(std::move(l));
        upstreams_for(pipeline_);  // the old set's health checkers end, the new one's start
    });
}

void Worker::apply_listeners(std::vector<ListenSocket> listeners) {
    if (draining_) {
        for (const ListenSocket& socket : listeners) {
            if (!acceptors_.contains(socket.key)) {
                ::close(socket.fd);
            }
        }
        return;
    }
    std::map<std::string, int> wanted;
    for (const ListenSocket& socket : listeners) {
        wanted[socket.key] = socket.fd;
    }
    for (auto it = acceptors_.begin(); it != acceptors_.end();) {
        if (!wanted.contains(it->first)) {
            reactor_->spawn(stop_listener(std::move(it->second)));
            it = acceptors_.erase(it);
        } else {
            ++it;
        }
    }
    for (const ListenSocket& socket : listeners) {
        if (!acceptors_.contains(socket.key)) {
            start_listener(socket);
        } else {
            roles_[socket.key] = socket.role;
        }
    }
}

void Worker::post_drain(std::uint64_t deadline_ms) {
    reactor_->post([this, deadline_ms] { drain(deadline_ms); });
}

void Worker::drain(std::uint64_t deadline_ms) {
    draining_ = true;
    for (auto& [key, acceptor] : acceptors_) {
        reactor_->spawn(stop_listener(std::move(acceptor)));
    }
    acceptors_.clear();
    if (upstreams_) {
        upstreams_->close_idle();  // closed while the loop still runs to reap them
    }
    for (Http1Connection* c = live_; c != nullptr;) {
        Http1Connection* next = c->next_live;  // begin_drain may end c at once
        c->begin_drain();
        c = next;
    }
    drain_deadline_ = std::make_unique<DrainDeadline>(*this);
    reactor_->arm(*drain_deadline_, deadline_ms);
    reactor_->stop();
}

void Worker::abort_all() noexcept {
    if (connections_ > 0) {
        RINGWALL_LOG(warn, "worker " + std::to_string(index_) + ": shutdown deadline passed, closing " +
                               std::to_string(connections_) + " connections");
    }
    for (Http1Connection* c = live_; c != nullptr;) {
        Http1Connection* next = c->next_live;
        c->abort();
        c = next;
    }
}

}  // namespace ringwall::server
