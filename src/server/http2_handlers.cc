// src/server/http2_handlers.cc: the HTTP/2 streams that wait on something (file I/O, an
// upstream), each a task that pulls its request body and pushes its response through the
// connection's loop.
#include <algorithm>
#include <array>

#include "io/file_ops.h"
#include "proxy/static_files.h"
#include "proxy/upstream_exchange.h"
#include "server/access_log.h"
#include "server/http2_connection.h"
#include "server/worker.h"
#include "util/ascii.h"

namespace ringwall::server {
namespace {

// A handler may queue this much response body ahead of the peer's flow-control credit
// before it has to wait.
constexpr std::size_t queued_body_limit = 256 * 1024;
constexpr int max_static_loads = 8;  // as for HTTP/1.1: a bound, then 503
constexpr std::size_t file_read_chunk = 64 * 1024;

// HTTP/2 field names go out in lowercase (RFC 9113 §8.2.1); upstream ones may not be.
std::string lowercase(std::string_view name) {
    std::string out(name);
    for (char& ch : out) {
        ch = util::to_lower(ch);
    }
    return out;
}

}  // namespace

// Suspends a stream's task until the connection's loop notifies it.
struct Http2Connection::StreamWait {
    Http2Stream& stream;
    bool await_ready() const noexcept { return stream.closed; }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { stream.waiter = waiter; }
    void await_resume() const noexcept {}
};

class Http2RequestBody final : public proxy::RequestBody {
public:
    Http2RequestBody(Http2Connection& connection, Http2Stream& stream) noexcept : c_(connection), s_(stream) {}

    io::Task<proxy::BodyChunk> read() override {
        release_lent();
        for (;;) {
            if (!s_.body_in.empty()) {
                s_.body_lent.swap(s_.body_in);  // body_in takes the old lent buffer's capacity
                consumed_ += s_.body_lent.size();
                if (consumed_ > s_.pipeline->config().limits.max_body_size) {
                    co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::failed, .bytes = {}, .status = 413};
                }
                co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::data, .bytes = s_.body_lent, .status = 0};
            }
            if (s_.request_ended && !s_.closed) {
                co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::end, .bytes = {}, .status = 0};
            }
            if (s_.closed || c_.closed_) {
                // Reset by the client, or the connection ended: nobody to answer.
                if (s_.request_ended && s_.body_in.empty() && !c_.closed_ && s_.body_received == consumed_) {
                    co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::end, .bytes = {}, .status = 0};
                }
                co_return proxy::BodyChunk{.kind = proxy::BodyChunk::Kind::failed, .bytes = {}, .status = 0};
            }
            co_await Http2Connection::StreamWait{s_};
        }
    }

    std::optional<std::uint64_t> length() const noexcept override {
        switch (s_.head.framing) {
            case http1::BodyFraming::content_length: return s_.head.content_length;
            case http1::BodyFraming::chunked: return std::nullopt;
            default: return 0;
        }
    }
    std::uint64_t consumed() const noexcept override { return consumed_; }

    // What was handed out last is done with: free it and give the peer its credit back.
    void release_lent() {
        if (s_.body_lent.empty()) {
            return;
        }
        if (!s_.closed && !c_.closed_) {
            nghttp2_session_consume(c_.session_, s_.id, s_.body_lent.size());
            c_.wake();
        }
        s_.body_lent.clear();
    }

private:
    Http2Connection& c_;
    Http2Stream& s_;
    std::uint64_t consumed_ = 0;
};

class Http2ResponseSink final : public proxy::ResponseSink {
public:
    Http2ResponseSink(Http2Connection& connection, Http2Stream& stream) noexcept : c_(connection), s_(stream) {}

    io::Task<bool> start(const proxy::ResponseStart& start) override {
        // Held until the first body byte or the end, so an error page may still replace it.
        status_ = start.status;
        has_body_ = start.has_body && s_.head.method != "HEAD";
        names_.clear();
        values_.clear();
        for (const proxy::Field& field : start.fields) {
            // Content-Length is ours to state, below, when a body follows; without one (HEAD,
            // 304) the handler's describes the representation and passes.
            if (http2::is_connection_specific(field.name) ||
                (start.has_body && util::iequals(field.name, "content-length"))) {
                continue;
            }
            names_.push_back(lowercase(field.name));
            values_.emplace_back(field.value);
        }
        declared_length_ = start.content_length;
        if (start.content_length && start.has_body) {
            names_.emplace_back("content-length");
            values_.push_back(std::to_string(*start.content_length));
        }
        co_return !s_.closed && !c_.closed_;
    }

    io::Task<bool> write(std::string_view bytes) override {
        if (!submit()) {
            co_return false;
        }
        if (!has_body_ || bytes.empty()) {
            co_return true;
        }
        c_.queue_body(s_, bytes, true);
        nghttp2_session_resume_data(c_.session_, s_.id);
        c_.wake();
        while (s_.out_bytes > queued_body_limit && !s_.closed && !c_.closed_) {
            co_await Http2Connection::StreamWait{s_};
        }
        co_return !s_.closed && !c_.closed_;
    }

    io::Task<bool> finish(std::span<const proxy::Field> trailers) override {
        const bool bodiless = !submitted_ && trailers.empty() && declared_length_.value_or(0) == 0;
        if (bodiless) {
            // Nothing came after the head: one HEADERS frame with END_STREAM, which is
            // how a gRPC "trailers-only" answer must look.
            has_body_ = false;
        }
        if (!submit()) {
            co_return false;
        }
        for (const proxy::Field& field : trailers) {
            s_.trailers.emplace_back(lowercase(field.name), std::string(field.value));
        }
        s_.out_ended = true;
        if (has_body_) {
            nghttp2_session_resume_data(c_.session_, s_.id);
        }
        c_.wake();
        co_return !s_.closed && !c_.closed_;
    }

    bool has_started() const noexcept override { return submitted_; }

private:
    bool submit() {
        if (submitted_) {
            return !s_.closed && !c_.closed_;
        }
        if (s_.closed || c_.closed_) {
            return false;
        }
        submitted_ = true;
        std::vector<nghttp2_nv> nva;
        nva.reserve(names_.size());
        for (std::size_t i = 0; i < names_.size(); ++i) {
            nva.push_back(nghttp2_nv{.name = reinterpret_cast<std::uint8_t*>(names_[i].data()),
                                     .value = reinterpret_cast<std::uint8_t*>(values_[i].data()),
                                     .namelen = names_[i].size(),
                                     .valuelen = values_[i].size(),
                                     .flags = NGHTTP2_NV_FLAG_NONE});
        }
        const bool ok = c_.submit_head(s_, status_, nva, has_body_);
        c_.wake();
        return ok;
    }

    Http2Connection& c_;
    Http2Stream& s_;
    std::vector<std::string> names_;
    std::vector<std::string> values_;
    std::uint16_t status_ = 200;
    std::optional<std::uint64_t> declared_length_;
    bool has_body_ = true;
    bool submitted_ = false;
};

// Counts the connection's live tasks and ends each one the same way.
class TaskScope {
public:
    TaskScope(std::uint32_t& tasks, std::coroutine_handle<>& done) noexcept : tasks_(tasks), done_(done) { ++tasks_; }
    ~TaskScope() {
        if (--tasks_ == 0 && done_) {
            std::exchange(done_, {}).resume();
        }
    }
    TaskScope(const TaskScope&) = delete;
    TaskScope& operator=(const TaskScope&) = delete;

private:
    std::uint32_t& tasks_;
    std::coroutine_handle<>& done_;
};

void Http2Connection::start_task(Http2Stream& stream) {
    if (stream.route != nullptr && stream.route->is_proxy()) {
        worker_.reactor().spawn(proxy_task(stream));
    } else {
        worker_.reactor().spawn(static_task(stream));
    }
}

io::Task<void> Http2Connection::proxy_task(Http2Stream& stream) {
    {
        TaskScope scope(tasks_, tasks_done_);
        const std::shared_ptr<proxy::UpstreamSet> upstreams = worker_.upstreams_for(stream.pipeline);
        Http2RequestBody body(*this, stream);
        Http2ResponseSink sink(*this, stream);
        const proxy::ForwardRequest request{.upstreams = upstreams.get(),
                                            .route = stream.route,
                                            .head = &stream.head,
                                            .client_address = client_address_.empty()
                                                                  ? std::string_view("unknown")
                                                                  : std::string_view(client_address_),
                                            .scheme = tls_ != nullptr ? "https" : "http",
                                            .body = &body,
                                            .sink = &sink,
                                            .tunnel = nullptr};
        const proxy::ForwardResult result = co_await proxy::forward(request);
        body.release_lent();
        if (!result.complete && !stream.closed && !closed_) {
            nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_INTERNAL_ERROR);
        } else if (!stream.request_ended && !stream.closed && !closed_) {
            // Answered before the client finished sending. A RST_STREAM now could overtake
            // the response's last DATA (RFC 9113 §8.1 allows it only after END_STREAM), so
            // the rest of the body is taken and dropped instead.
            stream.discard_body = true;
            if (!stream.body_in.empty()) {
                nghttp2_session_consume(session_, stream.id, stream.body_in.size());
                stream.body_in.clear();
            }
        }
        stream.status = result.status;
        if (AccessLogFile::enabled()) {
            worker_.access_log().append(client_address_, stream.head, result.status, result.body_bytes, "HTTP/2.0");
        }
        wake();
        stream.has_task = false;
    }
    forget_if_done(stream);
}

io::Task<void> Http2Connection::static_task(Http2Stream& stream) {
    {
        TaskScope scope(tasks_, tasks_done_);
        proxy::Exchange& exchange = stream.exchange;
        exchange.request = proxy::request_of(stream.head);
        exchange.route = stream.route;
        const std::shared_ptr<proxy::StaticFiles> files = worker_.static_files_for(stream.pipeline);
        proxy::StaticContext context;
        bool answered = false;
        for (int i = 0; i < max_static_loads && !answered && !stream.closed; ++i) {
            answered = files->respond(exchange, context) == proxy::StaticFiles::Step::answered;
            if (!answered) {
                co_await files->load(context);
            }
        }
        if (!stream.closed && !closed_) {
            if (!answered) {
                exchange.response = stream.pipeline->error_response(503);
                exchange.segments.clear();
            }
            // Bytes in memory are queued as they are; file ranges are read as credit allows.
            const bool head_only = stream.head.method == "HEAD";
            std::vector<proxy::BodySegment> segments = std::move(exchange.segments);
            exchange.segments.clear();
            bool reads_files = false;
            for (const proxy::BodySegment& segment : segments) {
                reads_files = reads_files || segment.fd >= 0;
            }
            if (!reads_files) {
                exchange.segments = std::move(segments);
                submit_exchange(stream);
            } else {
                // Submitted with an open body; the pieces follow in order. Views stay valid:
                // the cached file that owns them (and its descriptor) is the exchange's.
                const std::string_view body = exchange.response.body;
                exchange.response.body = {};
                submit_exchange(stream, true);
                if (!head_only) {
                    queue_body(stream, body, false);
                    auto buffer = std::make_unique<char[]>(file_read_chunk);
                    for (const proxy::BodySegment& segment : segments) {
                        if (segment.fd < 0) {
                            queue_body(stream, segment.bytes, false);
                            continue;
                        }
                        std::uint64_t offset = segment.offset;
                        std::uint64_t left = segment.length;
                        while (left > 0 && !stream.closed && !closed_) {
                            while (stream.out_bytes > queued_body_limit && !stream.closed && !closed_) {
                                co_await StreamWait{stream};
                            }
                            const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, file_read_chunk));
                            const int got = co_await io::ReadOp(worker_.reactor(), segment.fd, buffer.get(), want, offset);
                            if (got <= 0) {
                                break;  // the file shrank: the stream is reset below
                            }
                            queue_body(stream, std::string_view(buffer.get(), static_cast<std::size_t>(got)), true);
                            nghttp2_session_resume_data(session_, stream.id);
                            wake();
                            offset += static_cast<std::uint64_t>(got);
                            left -= static_cast<std::uint64_t>(got);
                        }
                        if (left > 0 && !stream.closed && !closed_) {
                            nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_INTERNAL_ERROR);
                            break;
                        }
                    }
                }
                stream.out_ended = true;
                if (!stream.closed && !closed_) {
                    nghttp2_session_resume_data(session_, stream.id);
                }
            }
        }
        wake();
        stream.has_task = false;
    }
    forget_if_done(stream);
}

}  // namespace ringwall::server
