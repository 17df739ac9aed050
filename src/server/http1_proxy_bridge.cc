// src/server/http1_proxy_bridge.cc: how a proxied request meets its HTTP/1.1 client: the
// request body pulled through the connection's parser, the response written back with the
// framing the client understands, and the connection handed over after a protocol switch.
#include <sys/socket.h>

#include <array>
#include <cstdio>

#include "proxy/upstream_exchange.h"
#include "server/access_log.h"
#include "server/http1_connection.h"
#include "server/worker.h"

namespace ringwall::server {

// The request body of a proxied request, decoded by the connection's parser from the
// receive buffer the head came in and then from further receives, one buffer at a time.
class DownstreamBody final : public proxy::RequestBody, public proxy::TunnelSource {
public:
    DownstreamBody(Http1Connection& connection, io::RecvBuffer& buffer, std::string_view& input) noexcept
        : c_(connection), buffer_(buffer), input_(input) {}

    io::Task<proxy::BodyChunk> read() override {
        while (state_ == State::reading) {
            const http1::Step step = c_.parser_->feed(input_);
            input_.remove_prefix(step.consumed);
            switch (step.progress) {
                case http1::Progress::body_data:
                    consumed_ += step.body.size();
                    c_.body_window_bytes_ += step.body.size();
                    co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::data, .bytes = step.body,
                                               .status = 0};
                case http1::Progress::message_done:
                    state_ = State::done;
                    break;
                case http1::Progress::failed:
                    fail(c_.parser_->error().status);
                    break;
                case http1::Progress::head_done:
                    fail(400);  // not reachable: the head was done before the body
                    break;
                case http1::Progress::need_more: {
                    buffer_.release();
                    input_ = {};
                    c_.enter_phase(Http1Connection::Phase::body);
                    io::RecvResult received = co_await c_.receive();
                    c_.disarm();
                    if (received.kind == io::RecvResult::Kind::interrupted) {
                        // Our body deadline: 408. Shutdown or a drain notice: give up quietly.
                        fail(c_.timed_out_ && !c_.aborted_ ? 408 : 0);
                        c_.timed_out_ = false;
                    } else if (received.kind != io::RecvResult::Kind::data) {
                        fail(0);  // the client left
                    } else {
                        buffer_ = std::move(received.buffer);
                        input_ = buffer_.bytes();
                    }
                    break;
                }
            }
        }
        if (state_ == State::done) {
            co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::end, .bytes = {}, .status = 0};
        }
        co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::failed, .bytes = {}, .status = status_};
    }

    std::optional<std::uint64_t> length() const noexcept override {
        const http1::RequestHead& head = c_.parser_->head();
        switch (head.framing) {
            case http1::BodyFraming::content_length: return head.content_length;
            case http1::BodyFraming::chunked: return std::nullopt;
            default: return 0;
        }
    }
    std::uint64_t consumed() const noexcept override { return consumed_; }

    // Only asked for a request without a body; what follows its head is the client's
    // first bytes in the new protocol.
    proxy::TunnelEnd tunnel_end() noexcept override {
        finish_at_hand();
        return proxy::TunnelEnd{.fd = c_.fd_, .recv = &c_.recv_, .pending = input_};
    }

    // Whether the whole request was read, trying the bytes at hand once more (a request
    // without a body reaches message_done on the call after head_done).
    bool finish_at_hand() {
        if (state_ == State::reading) {
            const http1::Step step = c_.parser_->feed(input_);
            input_.remove_prefix(step.consumed);
            if (step.progress == http1::Progress::message_done) {
                state_ = State::done;
            }
        }
        return state_ == State::done;
    }

private:
    enum class State : std::uint8_t { reading, done, failed };
    void fail(std::uint16_t status) noexcept {
        state_ = State::failed;
        status_ = status;
    }

    Http1Connection& c_;
    io::RecvBuffer& buffer_;
    std::string_view& input_;
    std::uint64_t consumed_ = 0;
    State state_ = State::reading;
    std::uint16_t status_ = 0;
};

// Writes a proxied response to the client: the head waits in the send slab and goes out
// with the first body piece; bodies of unknown length are chunked for HTTP/1.1 clients
// and delimited by the close for HTTP/1.0 ones.
class DownstreamSink final : public proxy::ResponseSink {
public:
    DownstreamSink(Http1Connection& connection, const http1::RequestHead& request, bool close) noexcept
        : c_(connection), request_(request), close_(close) {}

    io::Task<bool> start(const proxy::ResponseStart& start) override {
        status_ = start.status;
        chunked_ = false;
        std::string& head = head_;
        head.clear();
        std::size_t size = 160;  // status line, Server, Date, framing and connection fields
        for (const proxy::Field& field : start.fields) {
            size += field.name.size() + field.value.size() + 4;
        }
        head.reserve(size);
        head += status_line(start.status);
        head += "Server: ringwall\r\n";
        head += c_.worker_.date_line();
        for (const proxy::Field& field : start.fields) {
            head += field.name;
            head += ": ";
            head += field.value;
            head += "\r\n";
        }
        if (!start.upgrade.empty()) {
            head += "Connection: upgrade\r\nUpgrade: ";
            head += start.upgrade;
            head += "\r\n\r\n";
            switched_ = true;
            co_return true;
        }
        if (start.has_body) {
            if (start.content_length) {
                head += "Content-Length: ";
                head += std::to_string(*start.content_length);
                head += "\r\n";
            } else if (request_.version == http1::Version::http11) {
                head += "Transfer-Encoding: chunked\r\n";
                chunked_ = true;
            } else {
                close_ = true;  // RFC 9112 §6.3: the close ends the body
            }
        }
        if (close_) {
            head += "Connection: close\r\n";
        } else if (request_.version == http1::Version::http10) {
            head += "Connection: keep-alive\r\n";
        }
        head += "\r\n";
        co_return true;
    }

    io::Task<bool> write(std::string_view bytes) override {
        if (bytes.empty() || c_.parser_->head().method == "HEAD") {
            co_return true;
        }
        char size_line[24];
        std::size_t size_line_length = 0;
        if (chunked_) {
            size_line_length = static_cast<std::size_t>(
                std::snprintf(size_line, sizeof size_line, "%zx\r\n", bytes.size()));
        }
        std::array<iovec, 4> pieces{piece(head_), piece({size_line, size_line_length}), piece(bytes),
                                    piece(chunked_ ? std::string_view("\r\n") : std::string_view())};
        started_ = true;
        const bool ok = co_await c_.send_vectored(pieces);
        head_.clear();
        co_return ok;
    }

    io::Task<bool> finish(std::span<const proxy::Field> trailers) override {
        std::string tail;
        if (chunked_) {
            tail = "0\r\n";
            for (const proxy::Field& field : trailers) {
                tail += field.name;
                tail += ": ";
                tail += field.value;
                tail += "\r\n";
            }
            tail += "\r\n";
        }
        std::array<iovec, 2> pieces{piece(head_), piece(tail)};
        started_ = true;
        const bool ok = co_await c_.send_vectored(pieces);
        head_.clear();
        finished_ = ok;
        co_return ok;
    }

    bool has_started() const noexcept override { return started_; }
    bool must_close() const noexcept { return close_ || !finished_ || switched_; }
    std::uint16_t status() const noexcept { return status_; }

private:
    static iovec piece(std::string_view bytes) noexcept {
        return iovec{.iov_base = const_cast<char*>(bytes.data()), .iov_len = bytes.size()};
    }

    Http1Connection& c_;
    const http1::RequestHead& request_;
    std::string head_;  // written, not yet sent
    bool close_;
    bool chunked_ = false;
    bool started_ = false;
    bool finished_ = false;
    bool switched_ = false;  // a 101 went out: what follows is not HTTP
    std::uint16_t status_ = 0;
};

io::Task<Http1Connection::After> Http1Connection::serve_proxy(io::RecvBuffer& buffer,
                                                              std::string_view& input) {
    // Earlier pipelined answers and a 100 Continue go first.
    if (!co_await flush()) {
        co_return After::close;
    }
    release_output();
    disarm();  // upstream deadlines apply now; ours are re-armed around each downstream wait
    const http1::RequestHead& head = parser_->head();
    const std::shared_ptr<proxy::UpstreamSet> upstreams = worker_.upstreams_for(pipeline_);
    std::array<char, io::max_address_text> client{};
    std::string_view client_address = peer().text(client);
    DownstreamBody body(*this, buffer, input);
    DownstreamSink sink(*this, head, !head.keep_alive || draining_);
    const proxy::ForwardRequest request{.upstreams = upstreams.get(),
                                        .route = route_,
                                        .head = &head,
                                        .client_address = client_address.empty() ? "unknown" : client_address,
                                        .scheme = tls_ ? "https" : "http",
                                        .body = &body,
                                        .sink = &sink,
                                        // A tunnel relays socket bytes; over TLS they would
                                        // need sealing both ways, so upgrades are not offered.
                                        .tunnel = tls_ ? nullptr : &body};
    const proxy::ForwardResult result = co_await proxy::forward(request);
    ++requests_;
    if (AccessLogFile::enabled()) {
        worker_.access_log().append(client_address, head, result.status, result.body_bytes);
    }
    in_body_ = false;
    // The connection goes on only when both messages ended cleanly: a request body left
    // unread or a response cut short leaves nothing to resynchronize on.
    const bool request_done = body.finish_at_hand();
    if (!result.complete || result.upgraded || sink.must_close() || !request_done || !head.keep_alive || draining_) {
        co_return After::close;
    }
    parser_->reset();
    co_return After::read_more;
}

}  // namespace ringwall::server
