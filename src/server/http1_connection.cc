// src/server/http1_connection.cc: reading, answering and closing one HTTP/1.1 connection.
#include "server/http1_connection.h"

#include <sys/socket.h>

#include <array>
#include <cstdio>

#include "io/ops.h"
#include "util/log.h"
#include "server/access_log.h"
#include "server/http2_connection.h"
#include "server/worker.h"

namespace ringwall::server {

namespace {

constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
// RFC 9113 §3.4: what a client with prior knowledge of HTTP/2 sends first. Its first line
// is not a valid HTTP/1.1 request, so seeing it cannot misread one.
constexpr std::string_view http2_preface_line = "PRI * HTTP/2.0\r\n";
// Kernel guidance: zero-copy pays off above roughly 10 KiB per send.
constexpr std::size_t zero_copy_threshold = 16 * 1024;
// After an error we read and drop what the client still sends, so that closing does not
// turn into a RST that destroys our error response in the client's receive queue.
constexpr std::uint64_t linger_ms = 2000;
constexpr std::size_t linger_max_bytes = 1024 * 1024;

}  // namespace

Http1Connection::Http1Connection(Worker& worker, int fd, std::shared_ptr<const ListenerRole> role)
    : worker_(worker), fd_(fd), recv_(worker.reactor(), fd), role_(std::move(role)) {
    worker_.link(*this);
}

Http1Connection::~Http1Connection() {
    release_output();
    release_parser();
    worker_.unlink(*this);
}

io::Task<void> serve_http1(Worker& worker, int fd, std::shared_ptr<const ListenerRole> role) {
    Http1Connection connection(worker, fd, std::move(role));
    try {
        co_await connection.run();
    } catch (const std::exception& e) {
        // Not expected (bad_alloc, a bug); the socket must still be closed cleanly below,
        // because the armed receive points into this frame.
        RINGWALL_LOG(error, std::string("connection failed: ") + e.what());
    }
    co_await connection.finish();
}

void Http1Connection::enter_phase(Phase phase) noexcept {
    phase_ = phase;
    const config::Timeouts& timeouts = pipeline_->config().timeouts;
    std::chrono::milliseconds delay{0};
    switch (phase) {
        case Phase::handshake: delay = role_->handshake_timeout; break;
        case Phase::idle: delay = requests_ == 0 ? timeouts.header : timeouts.keepalive; break;
        case Phase::head: delay = timeouts.header; break;
        case Phase::body: delay = timeouts.body; break;
        case Phase::sending: delay = timeouts.send; break;
        case Phase::lingering: delay = std::chrono::milliseconds(linger_ms); break;
    }
    body_window_bytes_ = 0;
    worker_.reactor().arm(*this, static_cast<std::uint64_t>(delay.count()));
}

void Http1Connection::on_expire() noexcept {
    if (phase_ == Phase::body) {
        // The body must keep up min_body_rate over each window (0: any progress at all).
        const config::Config& cfg = pipeline_->config();
        const std::uint64_t window_ms = static_cast<std::uint64_t>(cfg.timeouts.body.count());
        const std::uint64_t required = cfg.limits.min_body_rate * window_ms / 1000;
        if (body_window_bytes_ > 0 && body_window_bytes_ >= required) {
            enter_phase(Phase::body);
            return;
        }
    }
    timed_out_ = true;
    if (inflight_send_ != nullptr) {
        worker_.reactor().cancel(inflight_send_);
    } else {
        recv_.interrupt();
    }
}

void Http1Connection::begin_drain() noexcept {
    if (http2_ != nullptr) {
        http2_->begin_drain();
        return;
    }
    draining_ = true;
    if (phase_ == Phase::idle) {
        recv_.interrupt();
    }
}

void Http1Connection::abort() noexcept {
    aborted_ = true;
    if (http2_ != nullptr) {
        http2_->abort();
        return;
    }
    if (inflight_send_ != nullptr) {
        worker_.reactor().cancel(inflight_send_);
    } else {
        recv_.interrupt();
    }
}

io::Task<void> Http1Connection::run() {
    pipeline_ = worker_.pipeline();
    if (role_->tls) {
        if (!co_await start_tls()) {
            co_return;
        }
        if (tls_->session().alpn() == "h2") {
            co_await serve_http2({});
            co_return;
        }
    }
    enter_phase(Phase::idle);
    bool error_close = false;
    for (;;) {
        if (draining_ && phase_ == Phase::idle) {
            break;
        }
        io::RecvResult received = co_await receive();
        After after = After::read_more;
        if (received.kind == io::RecvResult::Kind::interrupted) {
            if (aborted_) {
                break;
            }
            if (!timed_out_) {
                continue;  // drain notice: the loop head decides
            }
            timed_out_ = false;
            if (phase_ != Phase::head && phase_ != Phase::body) {
                break;  // idle too long: close without a word, as keep-alive peers expect
            }
            after = on_failed(408);
        } else if (received.kind != io::RecvResult::Kind::data) {
            break;
        } else {
            std::string_view input = received.buffer.bytes();
            // Three bytes tell "PRI" from every HTTP/1.1 method a client may start with.
            if (requests_ == 0 && role_->http2 && !tls_ && (parser_ == nullptr || !parser_->has_started()) &&
                input.size() >= 3 &&
                input.starts_with(http2_preface_line.substr(0, std::min(input.size(), http2_preface_line.size())))) {
                co_await serve_http2(input);
                break;
            }
            ensure_parser();
            after = process(input);
            while (after == After::flush || after == After::proxy || after == After::static_file) {
                if (after == After::proxy) {
                    after = co_await serve_proxy(received.buffer, input);
                    if (after != After::read_more) {
                        break;
                    }
                } else if (after == After::static_file) {
                    after = co_await serve_static();
                    if (after != After::read_more) {
                        break;
                    }
                } else if (!co_await flush()) {
                    after = After::close;
                    break;
                }
                after = process(input);
            }
        }
        received.buffer.release();
        if (!co_await flush()) {
            break;
        }
        if (after == After::close) {
            break;
        }
        if (after == After::close_after_error) {
            error_close = true;
            break;
        }
        // Deadlines follow the parser: idle until a byte of the next request arrives,
        // then the header deadline (not extended by further bytes: slowloris), then body.
        const Phase wanted = !parser_->has_started() ? Phase::idle
                             : in_body_             ? Phase::body
                                                    : Phase::head;
        if (wanted == Phase::idle) {
            release_parser();
            if (tls_) {
                tls_->release_buffers();
            }
        }
        if (wanted != phase_) {
            enter_phase(wanted);
        }
    }
    if (error_close && !aborted_) {
        co_await linger();
    }
}

io::Task<io::RecvResult> Http1Connection::receive() {
    if (tls_) {
        co_return co_await tls_->next(inflight_send_);
    }
    co_return co_await recv_.next();
}

io::Task<void> Http1Connection::serve_http2(std::string_view initial) {
    disarm();
    release_parser();
    std::array<char, io::max_address_text> client{};
    Http2Connection connection(worker_, fd_, recv_, tls_.get(), std::string(peer().text(client)));
    http2_ = &connection;
    co_await connection.run(initial);
    http2_ = nullptr;
}

io::Task<bool> Http1Connection::start_tls() {
    tls_ = std::make_unique<TlsStream>(worker_.reactor(), fd_, recv_, role_->tls);
    enter_phase(Phase::handshake);
    const bool ok = co_await tls_->handshake(inflight_send_);
    disarm();
    timed_out_ = false;
    co_return ok && !aborted_;
}

io::Task<void> Http1Connection::finish() {
    // close_notify tells the client the last response was whole; not after a failure or
    // a deadline, when the peer may not be reading at all.
    if (tls_ && tls_->session().is_handshake_done() && !aborted_ && !timed_out_) {
        enter_phase(Phase::sending);
        co_await tls_->close_notify(inflight_send_);
    }
    disarm();
    co_await recv_.close();
    release_output();
    release_parser();
    worker_.reactor().close_later(fd_);
}

Http1Connection::After Http1Connection::process(std::string_view& input) {
    for (;;) {
        // Room for the next response's head, so that pipelined answers never fail to fit.
        if (out_.size() > 0 && out_.free_space() < pipeline_->max_head_size()) {
            return After::flush;
        }
        const http1::Step step = parser_->feed(input);
        input.remove_prefix(step.consumed);
        switch (step.progress) {
            case http1::Progress::need_more:
                return After::read_more;
            case http1::Progress::head_done: {
                const http1::RequestHead& head = parser_->head();
                route_ = pipeline_->match(proxy::request_of(head));
                const bool proxied = route_ != nullptr && route_->is_proxy();
                in_body_ = head.framing != http1::BodyFraming::none;
                const bool body_expected =
                    head.framing == http1::BodyFraming::chunked ||
                    (head.framing == http1::BodyFraming::content_length && head.content_length > 0);
                if (in_body_ && phase_ != Phase::body) {
                    enter_phase(Phase::body);
                }
                // RFC 9110 §10.1.1: answer 100 only to HTTP/1.1 clients, and only when the
                // body has not started arriving already.
                if (head.expects_continue && body_expected && head.version == http1::Version::http11 &&
                    input.empty()) {
                    ensure_output();
                    out_.append(continue_response);
                    return proxied ? After::proxy : After::flush;
                }
                if (proxied) {
                    return After::proxy;
                }
                break;
            }
            case http1::Progress::body_data:
                body_window_bytes_ += step.body.size();
                break;
            case http1::Progress::message_done: {
                in_body_ = false;
                const After after = on_message_done();
                if (after != After::read_more) {
                    return after;
                }
                break;
            }
            case http1::Progress::failed:
                return on_failed(parser_->error().status);
        }
    }
}

ConnectionField Http1Connection::connection_field(const http1::RequestHead& head) const noexcept {
    if (!head.keep_alive || draining_) {
        return ConnectionField::close;
    }
    return head.version == http1::Version::http10 ? ConnectionField::keep_alive : ConnectionField::none;
}

Http1Connection::After Http1Connection::on_message_done() {
    const http1::RequestHead& head = parser_->head();
    proxy::Exchange exchange;
    exchange.request = proxy::request_of(head);
    exchange.route = route_;
    if (route_ != nullptr && route_->action() == config::Action::static_files) {
        // The cache answers most requests here, as cheaply as a fixed response; the rest
        // (file I/O, bodies in pieces) go through serve_static.
        proxy::StaticContext context;
        if (worker_.static_files_for(pipeline_)->respond(exchange, context) == proxy::StaticFiles::Step::need_io ||
            !exchange.segments.empty()) {
            return After::static_file;
        }
    } else {
        pipeline_->respond(exchange);
    }
    ++requests_;
    const bool head_only = head.method == "HEAD";
    const ConnectionField connection = connection_field(head);
    if (!exchange.scratch.empty()) {
        // Built for this request (a redirect, a file's fields): it must go out from the
        // send buffer, since the exchange dies here. process() keeps max_head_size free,
        // which covers it.
        ensure_output();
        if (!out_.fits(head_size(exchange.response, worker_.date_line(), connection) +
                       (exchange.body_owner ? 0 : exchange.response.body.size()))) {
            return on_failed(500);
        }
    }
    if (!append_response(exchange.response, head_only, connection)) {
        return on_failed(500);
    }
    if (!large_body_.empty()) {
        large_body_owner_ = std::move(exchange.body_owner);
    }
    return finish_request(exchange, head_only);
}

Http1Connection::After Http1Connection::finish_request(const proxy::Exchange& exchange, bool head_only) {
    const http1::RequestHead& head = parser_->head();
    if (AccessLogFile::enabled()) {
        std::uint64_t body_bytes = exchange.response.body.size();
        for (const proxy::BodySegment& segment : exchange.segments) {
            body_bytes += segment.fd >= 0 ? segment.length : segment.bytes.size();
        }
        std::array<char, io::max_address_text> client{};
        worker_.access_log().append(peer().text(client), head, exchange.response.status,
                                    head_only ? 0 : body_bytes);
    }
    const bool close = connection_field(head) == ConnectionField::close;
    parser_->reset();
    if (close) {
        closing_ = true;
        return After::close;
    }
    return large_body_.empty() ? After::read_more : After::flush;
}

Http1Connection::After Http1Connection::on_failed(std::uint16_t status) {
    worker_.count_rejected();
    append_response(pipeline_->error_response(status), false, ConnectionField::close);
    closing_ = true;
    return After::close_after_error;
}

bool Http1Connection::append_response(const proxy::Response& response, bool head_only,
                                      ConnectionField connection) {
    ensure_output();
    const std::string_view date = worker_.date_line();
    const std::size_t head = head_size(response, date, connection);
    if (!out_.fits(head)) {
        return false;  // fields larger than a send slab: a configuration we refuse to serve
    }
    write_head(out_, response, date, connection);
    if (head_only || response.body.empty()) {
        return true;
    }
    if (out_.fits(response.body.size())) {
        out_.append(response.body);
    } else {
        large_body_ = response.body;
    }
    return true;
}

io::Task<bool> Http1Connection::flush() {
    if (out_.size() == 0 && large_body_.empty()) {
        co_return true;
    }
    enter_phase(Phase::sending);
    bool ok = co_await send_all(out_.bytes(), false, closing_ && large_body_.empty());
    if (ok && !large_body_.empty()) {
        ok = co_await send_all(large_body_, large_body_.size() >= zero_copy_threshold, closing_);
    }
    large_body_ = {};
    large_body_owner_.reset();
    release_output();
    co_return ok;
}

io::Task<bool> Http1Connection::send_all(std::string_view all, bool zero_copy, bool last) {
    // An SQE's length is 32 bits; a mapped file may be larger. The kernel sends what the
    // socket takes per operation anyway, so pieces of 1 GiB cost nothing extra.
    constexpr std::size_t max_piece = std::size_t{1} << 30;
    while (!all.empty()) {
        const std::string_view bytes = all.substr(0, max_piece);
        // A deadline may have fired between two sends, after its cancel found nothing.
        if (timed_out_ || aborted_) {
            co_return false;
        }
        int sent;
        if (tls_) {
            // Sealed in pieces so that the send deadline measures progress, as below.
            constexpr std::size_t tls_piece = 256 * 1024;
            const std::string_view piece = bytes.substr(0, tls_piece);
            const bool final_piece = last && piece.size() == all.size();
            sent = co_await tls_->send(piece, inflight_send_, final_piece) ? static_cast<int>(piece.size()) : -1;
        } else if (zero_copy) {
            // The body belongs to a cached file or to the pipeline snapshot, which the op
            // keeps alive until the kernel's notification, however long a slow peer makes that.
            std::shared_ptr<const void> owner = large_body_owner_;
            if (!owner) {
                owner = pipeline_;
            }
            io::SendZcOp op(worker_.reactor(), fd_, bytes, std::move(owner));
            inflight_send_ = op.target();
            sent = co_await op;
        } else {
            io::SendOp op(worker_.reactor(), fd_, bytes);
            inflight_send_ = &op;
            sent = co_await op;
        }
        inflight_send_ = nullptr;
        if (sent <= 0) {
            co_return false;
        }
        all.remove_prefix(static_cast<std::size_t>(sent));
        if (!all.empty()) {
            enter_phase(Phase::sending);  // the send deadline measures lack of progress
        }
    }
    co_return true;
}

io::Task<void> Http1Connection::linger() {
    ::shutdown(fd_, SHUT_WR);
    enter_phase(Phase::lingering);
    std::size_t dropped = 0;
    while (dropped < linger_max_bytes) {
        io::RecvResult received = co_await recv_.next();
        if (received.kind != io::RecvResult::Kind::data) {
            break;
        }
        dropped += received.buffer.bytes().size();
    }
}

io::Task<bool> Http1Connection::send_vectored(std::span<iovec> pieces) {
    std::size_t first = 0;
    bool ok = true;
    while (first < pieces.size()) {
        if (pieces[first].iov_len == 0) {
            ++first;
            continue;
        }
        if (timed_out_ || aborted_) {
            ok = false;
            break;
        }
        enter_phase(Phase::sending);  // the send deadline measures lack of progress
        if (tls_) {
            // One record and one send for a chunk's size line, data and CRLF, not one each.
            std::string joined;
            for (std::size_t i = first; i < pieces.size(); ++i) {
                joined.append(static_cast<const char*>(pieces[i].iov_base), pieces[i].iov_len);
            }
            ok = co_await tls_->send(joined, inflight_send_);
            break;
        }
        msghdr message{};
        message.msg_iov = &pieces[first];
        message.msg_iovlen = pieces.size() - first;
        io::SendMsgOp op(worker_.reactor(), fd_, &message);
        inflight_send_ = &op;
        const int sent = co_await op;
        inflight_send_ = nullptr;
        if (sent <= 0) {
            ok = false;
            break;
        }
        first = io::skip_sent(pieces, first, static_cast<std::size_t>(sent));
    }
    disarm();
    co_return ok;
}

bool Http1Connection::ensure_output() {
    if (!out_.has_memory()) {
        slab_ = worker_.reactor().send_slabs().acquire();
        out_.reset(slab_.data, slab_.capacity);
    }
    return true;
}

const io::PeerAddress& Http1Connection::peer() noexcept {
    if (!peer_looked_up_) {
        peer_ = io::PeerAddress::of_socket(fd_);
        peer_looked_up_ = true;
    }
    return peer_;
}

void Http1Connection::ensure_parser() {
    if (!parser_) {
        // A request starting now runs on the newest snapshot (after a reload, too).
        pipeline_ = worker_.pipeline();
        parser_ = worker_.take_parser();
    }
}

void Http1Connection::release_parser() noexcept {
    if (parser_) {
        worker_.return_parser(std::move(parser_), pipeline_.get());
    }
}

void Http1Connection::release_output() noexcept {
    if (slab_) {
        worker_.reactor().send_slabs().give_back(slab_);
        slab_ = io::Slab{};
    }
    out_.reset(nullptr, 0);
}

}  // namespace ringwall::server
