// src/server/http1_static_bridge.cc: static files on an HTTP/1.1 connection when the answer
// needs file I/O first, or goes out in pieces: byte ranges, and files read into the send
// slab as they are sent.
#include <fcntl.h>
#include <unistd.h>

#include "io/file_ops.h"
#include "proxy/static_files.h"
#include "server/http1_connection.h"
#include "server/worker.h"

namespace ringwall::server {

namespace {

// A request needs at most: the name, an index file, a precompressed sibling or a
// compressed variant, and the fallback. More means the cache keeps losing what was just
// loaded, which a bound turns into a 503 rather than a loop.
constexpr int max_loads = 8;
// What one splice moves; the kernel's default limit on a pipe's size (pipe-max-size).
constexpr std::size_t splice_chunk = 1024 * 1024;

}  // namespace

io::Task<Http1Connection::After> Http1Connection::serve_static() {
    if (!co_await flush()) {  // earlier pipelined answers go first
        co_return After::close;
    }
    const http1::RequestHead& head = parser_->head();
    proxy::Exchange exchange;
    exchange.request = proxy::request_of(head);
    exchange.route = route_;
    const std::shared_ptr<proxy::StaticFiles> files_holder = worker_.static_files_for(pipeline_);
    proxy::StaticFiles& files = *files_holder;
    proxy::StaticContext context;
    bool answered = false;
    for (int i = 0; i < max_loads && !answered; ++i) {
        answered = files.respond(exchange, context) == proxy::StaticFiles::Step::answered;
        if (!answered) {
            co_await files.load(context);
        }
    }
    if (!answered) {
        exchange.response = pipeline_->error_response(503);
        exchange.segments.clear();
    }
    ++requests_;
    const bool head_only = head.method == "HEAD";
    const ConnectionField connection = connection_field(head);
    ensure_output();
    if (!append_response(exchange.response, head_only, connection)) {
        co_return on_failed(500);
    }
    if (!large_body_.empty()) {
        large_body_owner_ = exchange.body_owner;
    }
    bool ok = co_await flush();
    if (!head_only) {
        for (const proxy::BodySegment& segment : exchange.segments) {
            if (!ok) {
                break;
            }
            if (segment.fd >= 0) {
                ok = co_await send_file_range(segment.fd, segment.offset, segment.length);
            } else {
                large_body_ = segment.bytes;
                large_body_owner_ = exchange.body_owner;
                ok = co_await flush();
            }
        }
    }
    const After after = finish_request(exchange, head_only);
    co_return ok ? after : After::close;
}

io::Task<bool> Http1Connection::send_file_range_tls(int fd, std::uint64_t offset, std::uint64_t length) {
    // Records are sealed in user space, so the bytes must pass through memory anyway.
    constexpr std::size_t read_chunk = 64 * 1024;
    auto buffer = std::make_unique<char[]>(read_chunk);
    while (length > 0) {
        if (timed_out_ || aborted_) {
            co_return false;
        }
        const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(length, read_chunk));
        const int got = co_await io::ReadOp(worker_.reactor(), fd, buffer.get(), want, offset);
        if (got <= 0) {
            co_return false;  // the file shrank after its length went out in the head
        }
        enter_phase(Phase::sending);
        if (!co_await tls_->send(std::string_view(buffer.get(), static_cast<std::size_t>(got)), inflight_send_)) {
            co_return false;
        }
        offset += static_cast<std::uint64_t>(got);
        length -= static_cast<std::uint64_t>(got);
    }
    disarm();
    co_return true;
}

io::Task<bool> Http1Connection::send_file_range(int fd, std::uint64_t offset, std::uint64_t length) {
    if (tls_) {
        co_return co_await send_file_range_tls(fd, offset, length);
    }
    // File pages go to the socket by reference through a pipe, as sendfile(2) does: no
    // copy in user space, and on loopback none in the kernel either (zero-copy sends are
    // copied when delivered to a local socket).
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        co_return false;
    }
    const int pipe_size = ::fcntl(pipe_fds[1], F_SETPIPE_SZ, static_cast<int>(splice_chunk));
    const std::uint32_t chunk = pipe_size > 0 ? static_cast<std::uint32_t>(pipe_size) : 65536;
    bool ok = true;
    while (ok && length > 0) {
        if (timed_out_ || aborted_) {
            ok = false;
            break;
        }
        const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(length, chunk));
        const int in = co_await io::SpliceOp(worker_.reactor(), fd, static_cast<std::int64_t>(offset), pipe_fds[1], want);
        if (in <= 0) {
            ok = false;  // the file shrank after its length went out in the head: only closing says so
            break;
        }
        std::uint32_t left = static_cast<std::uint32_t>(in);
        while (left > 0) {
            enter_phase(Phase::sending);  // the send deadline measures lack of progress
            io::SpliceOp out(worker_.reactor(), pipe_fds[0], -1, fd_, left);
            inflight_send_ = &out;
            const int sent = co_await out;
            inflight_send_ = nullptr;
            if (sent <= 0) {
                ok = false;
                break;
            }
            left -= static_cast<std::uint32_t>(sent);
        }
        offset += static_cast<std::uint64_t>(in);
        length -= static_cast<std::uint64_t>(in);
    }
    disarm();
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    co_return ok;
}

}  // namespace ringwall::server
