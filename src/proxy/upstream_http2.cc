// src/proxy/upstream_http2.cc: one try of a proxied request over HTTP/2 to a backend:
// the request as one stream, its body within the backend's flow-control window, and the
// response relayed with its trailers (what gRPC needs).
#include <charconv>
#include <string>
#include <vector>

#include "proxy/header_rules.h"
#include "proxy/upstream_attempt.h"
#include "util/ascii.h"

namespace ringwall::proxy {

namespace {

// A request head as an HTTP/2 backend takes it: Host becomes :authority, names are
// lowercase, and TE survives only as "trailers" (RFC 9113 §8.2.2), which gRPC requires.
struct Http2RequestHead {
    std::string_view authority;
    std::vector<std::string> names;
    std::vector<http1::Field> fields;
};

bool asks_for_trailers(const http1::RequestHead& head) {
    for (const http1::Field& f : head.fields) {
        if (util::iequals(f.name, "te")) {
            std::string lowered;
            for (char c : f.value) {
                lowered += util::to_lower(c);
            }
            if (lowered.find("trailers") != std::string::npos) {
                return true;
            }
        }
    }
    return false;
}

void to_http2(Http2RequestHead& out, const UpstreamRequestFields& request, const http1::RequestHead& head) {
    out.names.reserve(request.fields.size() + 1);
    for (const http1::Field& f : request.fields) {
        if (util::iequals(f.name, "host")) {
            out.authority = f.value;
            continue;
        }
        std::string& name = out.names.emplace_back(f.name);
        for (char& c : name) {
            c = util::to_lower(c);
        }
    }
    if (asks_for_trailers(head)) {
        out.names.emplace_back("te");
    }
    // Views into `names` only once it no longer grows.
    std::size_t n = 0;
    for (const http1::Field& f : request.fields) {
        if (!util::iequals(f.name, "host")) {
            out.fields.push_back(http1::Field{.name = out.names[n++], .value = f.value});
        }
    }
    if (n < out.names.size()) {
        out.fields.push_back(http1::Field{.name = out.names[n], .value = "trailers"});
    }
}

// Sends what the session has queued (HEADERS, DATA, WINDOW_UPDATE, acknowledgements).
io::Task<bool> flush(Context& ctx, UpstreamConnection& connection, std::string& output, UpstreamDeadline& deadline) {
    output.clear();
    if (!connection.http2()->take_output(output)) {
        co_return false;
    }
    if (output.empty()) {
        co_return true;
    }
    std::array<iovec, 1> pieces{piece(output)};
    co_return co_await send_pieces(ctx, connection, pieces, deadline);
}

// Reads once from the backend into the session; false on a close, an error, a protocol
// error or the deadline (deadline.fired).
io::Task<bool> take_in(UpstreamConnection& connection, UpstreamDeadline& deadline, std::uint64_t ms) {
    deadline.watch(connection.recv(), ms);
    io::RecvResult received = co_await connection.receive();
    deadline.disarm();
    if (received.kind != io::RecvResult::Kind::data) {
        co_return false;
    }
    co_return connection.http2()->feed(received.buffer.bytes());
}

std::optional<std::uint64_t> declared_length(const Http2Upstream::Response& response) {
    for (const auto& [name, value] : response.fields) {
        if (name == "content-length") {
            std::uint64_t n = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (error == std::errc() && end == value.data() + value.size()) {
                return n;
            }
        }
    }
    return std::nullopt;
}

std::vector<http1::Field> views_of(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::vector<http1::Field> views;
    views.reserve(fields.size());
    for (const auto& [name, value] : fields) {
        views.push_back(http1::Field{.name = name, .value = value});
    }
    return views;
}

}  // namespace

io::Task<AttemptOutcome> attempt_http2(Context& ctx, std::size_t backend, UpstreamDeadline& deadline) {
    const ForwardRequest& rq = ctx.request;
    const http1::RequestHead& head = *rq.head;
    const CompiledUpstream& upstream = ctx.group.upstream();
    const CompiledBackend& target = upstream.backends[backend];
    const config::Upstream& cfg = ctx.group.config();
    AttemptOutcome out;

    Obtained obtained = co_await obtain_connection(ctx, backend, deadline);
    if (!obtained.connection) {
        out.failure = std::move(obtained.failure);
        co_return out;
    }
    std::unique_ptr<UpstreamConnection> connection = std::move(obtained.connection);
    Http2Upstream& h2 = *connection->http2();
    const auto may_retry = [&] { return ctx.idempotent && rq.body->consumed() == 0; };
    const auto fail = [&](std::uint16_t status, std::string detail, bool retryable, bool backend_fault) {
        release(ctx, std::move(connection));
        out.failure = Failure{.status = status, .detail = std::move(detail), .retryable = retryable,
                              .backend_fault = backend_fault};
    };
    const auto connection_failed = [&](bool retryable) {
        const bool timed_out = deadline.fired;
        fail(timed_out ? 504 : 502,
             timed_out ? "the upstream did not answer in time" : "the upstream HTTP/2 connection failed",
             retryable && !timed_out, true);
    };

    const bool has_body = head.framing == http1::BodyFraming::chunked ||
                          (head.framing == http1::BodyFraming::content_length && head.content_length > 0);
    UpstreamRequestFields request;
    build_upstream_request(request,
                           UpstreamRequestInput{.head = &head,
                                                .route = &rq.route->config(),
                                                .client_address = rq.client_address,
                                                .scheme = rq.scheme,
                                                .fallback_host = target.key,
                                                .framing = head.framing == http1::BodyFraming::content_length
                                                               ? UpstreamFraming::content_length
                                                               : UpstreamFraming::none,
                                                .content_length = head.content_length,
                                                .upgrade = {}});
    Http2RequestHead h2_head;
    to_http2(h2_head, request, head);
    const std::string_view scheme = upstream.tls ? "https" : "http";
    if (!h2.submit(head.method, scheme, h2_head.authority, request.target, h2_head.fields, has_body)) {
        fail(502, "the upstream HTTP/2 connection takes no new stream", may_retry(), true);
        co_return out;
    }
    std::string output;
    if (!co_await flush(ctx, *connection, output, deadline)) {
        connection_failed(may_retry());
        co_return out;
    }

    // The body, sent as the backend's window allows. What it answers meanwhile (an early
    // error, WINDOW_UPDATE) is taken in and acted on once the body is out.
    const std::uint64_t idle_ms = ms_of(cfg.timeouts.idle_read);
    for (bool end = !has_body; !end;) {
        const BodyChunk chunk = co_await rq.body->read();
        if (chunk.kind == BodyChunk::Kind::failed) {
            fail(chunk.status == 0 ? std::uint16_t{400} : chunk.status, "the request body could not be read", false,
                 false);
            co_return out;
        }
        end = chunk.kind == BodyChunk::Kind::end;
        h2.offer_body(end ? std::string_view() : chunk.bytes, end);
        for (;;) {
            if (!co_await flush(ctx, *connection, output, deadline)) {
                connection_failed(false);
                co_return out;
            }
            if (!h2.body_pending() || h2.response().reset || h2.response().ended) {
                break;
            }
            if (!co_await take_in(*connection, deadline, left_ms(ctx, idle_ms))) {
                connection_failed(false);
                co_return out;
            }
        }
        if (h2.response().reset || h2.response().ended) {
            break;  // the backend answered (or gave up) before taking the whole body
        }
    }

    const std::uint64_t header_end_ms = ctx.reactor.now_ms() + ms_of(cfg.timeouts.header);
    std::vector<http1::Field> fields;
    std::string via;
    bool started = false;
    const auto abort_after_head = [&](bool backend_fault) {
        release(ctx, std::move(connection));
        out.done = true;
        out.result.complete = false;
        out.backend_ok = !backend_fault;
    };
    for (;;) {
        Http2Upstream::Response& response = h2.response();
        if (response.head_done && !started) {
            started = true;
            const std::uint16_t status = response.status;
            out.result.status = status;
            const bool no_body = ctx.is_head || status == 204 || status == 304;
            const std::vector<http1::Field> upstream_fields = views_of(response.fields);
            forward_response_fields(fields, upstream_fields, rq.route->config().response_headers,
                                    ctx.is_head || status == 304, via);
            std::optional<std::uint64_t> length = declared_length(response);
            if (!length && response.ended && response.data.empty() && response.trailers.empty()) {
                length = 0;  // the whole response was one HEADERS frame
            }
            const ResponseStart response_start{
                .status = status, .fields = fields, .content_length = length, .has_body = !no_body, .upgrade = {}};
            if (!co_await rq.sink->start(response_start)) {
                abort_after_head(false);
                co_return out;
            }
        }
        if (started && !response.data.empty()) {
            out.result.body_bytes += response.data.size();
            if (!co_await rq.sink->write(response.data)) {
                abort_after_head(false);
                co_return out;
            }
            h2.consumed(response.data.size());
            response.data.clear();
        }
        if (started && response.ended) {
            break;
        }
        if (response.reset || response.refused) {
            if (started) {
                abort_after_head(true);
                co_return out;
            }
            // A refused stream never reached the application: safe to send elsewhere.
            fail(502, "the upstream reset the stream", response.refused && may_retry(), true);
            co_return out;
        }
        if (!co_await flush(ctx, *connection, output, deadline)) {
            if (started) {
                abort_after_head(true);
                co_return out;
            }
            connection_failed(false);
            co_return out;
        }
        const std::uint64_t now = ctx.reactor.now_ms();
        const std::uint64_t phase = started ? idle_ms : std::min(idle_ms, header_end_ms > now ? header_end_ms - now : 0);
        if (!co_await take_in(*connection, deadline, left_ms(ctx, phase))) {
            if (started) {
                abort_after_head(true);
                co_return out;
            }
            // Nothing came back at all: on a reused connection, the backend closing it
            // while idle; the request may go elsewhere if repeating it is harmless.
            connection_failed(!h2.response().head_done && may_retry());
            co_return out;
        }
    }
    // Acknowledge what is queued (WINDOW_UPDATE, SETTINGS ack) before the connection rests.
    const bool flushed = co_await flush(ctx, *connection, output, deadline);
    // Ours before the connection goes back: another exchange may take it while the
    // trailers are still being sent downstream.
    const std::vector<std::pair<std::string, std::string>> trailer_fields = std::move(h2.response().trailers);
    const std::vector<http1::Field> trailers = views_of(trailer_fields);
    if (flushed && h2.reusable() && (cfg.pool.max_requests == 0 || connection->requests < cfg.pool.max_requests)) {
        ctx.group.pool(backend).put(std::move(connection));
    } else {
        release(ctx, std::move(connection));
    }
    out.done = true;
    if (!co_await rq.sink->finish(trailers)) {
        out.result.complete = false;
    }
    co_return out;
}

}  // namespace ringwall::proxy
