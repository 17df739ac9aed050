// src/server/http1_static_bridge.cc: static files on an HTTP/1.1 connection when the answer
// needs file I/O first, or goes out in pieces: byte ranges, and files read into the send
// slab as they are sent.
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

}  // namespace

io::Task<Http1Connection::After> Http1Connection::serve_static() {
    if (!co_await flush()) {  // earlier pipelined answers go first
        co_return After::close;
    }
    const http1::RequestHead& head = parser_->head();
    proxy::Exchange exchange;
    exchange.request = proxy::Request{.method = head.method,
                                      .authority = head.authority,
                                      .path = head.path,
                                      .query = head.query,
                                      .fields = head.fields};
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
    const bool close = !head.keep_alive || draining_;
    const ConnectionField connection = close ? ConnectionField::close
                                       : head.version == http1::Version::http10 ? ConnectionField::keep_alive
                                                                                : ConnectionField::none;
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

io::Task<bool> Http1Connection::send_file_range(int fd, std::uint64_t offset, std::uint64_t length) {
    ensure_output();
    const std::uint32_t capacity = slab_.capacity;
    bool ok = true;
    while (ok && length > 0) {
        const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(length, capacity));
        const int n = co_await io::ReadOp(worker_.reactor(), fd, slab_.data, want, offset);
        if (n <= 0) {
            // The file shrank after its length went out in the head: the response cannot be
            // completed, and only closing tells the client so.
            ok = false;
            break;
        }
        enter_phase(Phase::sending);
        ok = co_await send_all(std::string_view(slab_.data, static_cast<std::size_t>(n)), false);
        offset += static_cast<std::uint64_t>(n);
        length -= static_cast<std::uint64_t>(n);
    }
    release_output();
    co_return ok;
}

}  // namespace ringwall::server
