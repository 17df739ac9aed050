// src/proxy/upstream_exchange.cc: one proxied request: pick, connect or reuse, send, relay.
#include "proxy/upstream_exchange.h"

#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "http1/response_parser.h"
#include "io/ops.h"
#include "lb/key_hash.h"
#include "proxy/error_page.h"
#include "proxy/header_rules.h"
#include "proxy/upstream_attempt.h"
#include "util/ascii.h"
#include "util/log.h"

namespace ringwall::proxy {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view last_chunk = "0\r\n\r\n";

std::uint64_t affinity_hash(const UpstreamGroup& group, const ForwardRequest& request) {
    const std::string& key = group.config().hash_key;
    if (key.starts_with("header:")) {
        return lb::hash_key(request.head->find(std::string_view(key).substr(7)).value_or(""));
    }
    if (key.starts_with("cookie:")) {
        const std::string_view name = std::string_view(key).substr(7);
        std::string_view cookies = request.head->find("cookie").value_or("");
        while (!cookies.empty()) {
            const std::size_t semi = cookies.find(';');
            std::string_view pair = cookies.substr(0, semi);
            cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
            while (pair.starts_with(' ')) {
                pair.remove_prefix(1);
            }
            if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
                return lb::hash_key(pair.substr(name.size() + 1));
            }
        }
        return lb::hash_key("");
    }
    return lb::hash_key(request.client_address);
}

UpstreamFraming framing_of(const http1::RequestHead& head) noexcept {
    switch (head.framing) {
        case http1::BodyFraming::content_length: return UpstreamFraming::content_length;
        case http1::BodyFraming::chunked: return UpstreamFraming::chunked;
        default: return UpstreamFraming::none;
    }
}

// The backend agreed to switch protocols: relay its 101, then tunnel bytes both ways until
// either side is done. `backend_pending` is what the backend sent right behind the 101.
io::Task<AttemptOutcome> switch_protocols(Context& ctx, std::unique_ptr<UpstreamConnection> connection,
                                          const http1::ResponseHead& response,
                                          std::string_view backend_pending) {
    AttemptOutcome out;
    const std::optional<std::string_view> protocol = response.find("upgrade");
    if (!protocol || protocol->empty()) {
        release(ctx, std::move(connection));
        out.failure = Failure{.status = 502, .detail = "a protocol switch without Upgrade",
                              .retryable = false, .backend_fault = true};
        co_return out;
    }
    const ForwardRequest& rq = ctx.request;
    out.done = true;
    out.result.status = 101;
    out.answered_us = ctx.reactor.now_ms() * 1000;
    std::vector<http1::Field> fields;
    std::string via;
    forward_response_fields(fields, response.fields, rq.route->config().response_headers, false, via);
    const ResponseStart start{.status = 101, .fields = fields, .content_length = std::nullopt,
                              .has_body = false, .upgrade = *protocol};
    if (!co_await rq.sink->start(start) || !co_await rq.sink->finish({})) {
        release(ctx, std::move(connection));
        out.result.complete = false;
        co_return out;
    }
    out.result.upgraded = true;
    const TunnelEnd client = rq.tunnel->tunnel_end();
    const TunnelEnd backend{.fd = connection->fd(), .recv = &connection->recv(), .pending = backend_pending};
    const TunnelResult tunnel =
        co_await run_tunnel(ctx.reactor, client, backend, ms_of(ctx.group.config().timeouts.tunnel_idle));
    release(ctx, std::move(connection));
    out.result.body_bytes = tunnel.backend_to_client;
    co_return out;
}

// One try on one backend. Before the response head goes downstream a failure is returned
// for the caller to retry or report; after it, the outcome is done (maybe incomplete).
io::Task<AttemptOutcome> attempt(Context& ctx, std::size_t backend, http1::ResponseParser& parser,
                                 UpstreamDeadline& deadline) {
    const ForwardRequest& rq = ctx.request;
    const http1::RequestHead& head = *rq.head;
    const CompiledBackend& target = ctx.group.upstream().backends[backend];
    const config::Upstream& cfg = ctx.group.config();
    AttemptOutcome out;

    Obtained obtained = co_await obtain_connection(ctx, backend, deadline);
    if (!obtained.connection) {
        out.failure = std::move(obtained.failure);
        co_return out;
    }
    std::unique_ptr<UpstreamConnection> connection = std::move(obtained.connection);

    // What may be retried after this point: an idempotent request whose body we have not
    // started to consume (we cannot replay it), when the connection died before any
    // response byte. On a reused connection that is the keep-alive close race; on a fresh
    // one, a backend going down under us. Resending cannot duplicate a non-idempotent
    // effect, so both are retried on another backend (within the retry budget).
    const auto may_retry = [&] { return ctx.idempotent && rq.body->consumed() == 0; };

    std::string request_head;
    const UpstreamFraming framing = framing_of(head);
    if (!append_upstream_request(request_head,
                                 UpstreamRequestInput{.head = &head,
                                                      .route = &rq.route->config(),
                                                      .client_address = rq.client_address,
                                                      .scheme = rq.scheme,
                                                      .fallback_host = target.key,
                                                      .framing = framing,
                                                      .content_length = head.content_length,
                                                      .upgrade = ctx.upgrade})) {
        ctx.group.pool(backend).put(std::move(connection));
        out.failure = Failure{.status = 400, .detail = "the request cannot be forwarded",
                              .retryable = false, .backend_fault = false};
        co_return out;
    }
    std::array<iovec, 1> head_piece{piece(request_head)};
    if (!co_await send_pieces(ctx, *connection, head_piece, deadline)) {
        const bool timed_out = deadline.fired;
        release(ctx, std::move(connection));
        out.failure = Failure{.status = static_cast<std::uint16_t>(timed_out ? 504 : 502),
                              .detail = timed_out ? "sending to the upstream timed out"
                                                  : "the upstream connection failed",
                              .retryable = !timed_out && may_retry(), .backend_fault = true};
        co_return out;
    }

    if (framing != UpstreamFraming::none) {
        for (;;) {
            const BodyChunk chunk = co_await rq.body->read();
            if (chunk.kind == BodyChunk::Kind::failed) {
                release(ctx, std::move(connection));
                out.failure = Failure{.status = chunk.status == 0 ? std::uint16_t{400} : chunk.status,
                                      .detail = "the request body could not be read",
                                      .retryable = false, .backend_fault = false};
                co_return out;
            }
            bool sent = true;
            if (chunk.kind == BodyChunk::Kind::end) {
                if (framing == UpstreamFraming::chunked) {
                    std::array<iovec, 1> pieces{piece(last_chunk)};
                    sent = co_await send_pieces(ctx, *connection, pieces, deadline);
                }
            } else if (framing == UpstreamFraming::chunked) {
                char size_line[24];
                const int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.bytes.size());
                std::array<iovec, 3> pieces{piece(std::string_view(size_line, static_cast<std::size_t>(n))),
                                            piece(chunk.bytes), piece(crlf)};
                sent = co_await send_pieces(ctx, *connection, pieces, deadline);
            } else {
                std::array<iovec, 1> pieces{piece(chunk.bytes)};
                sent = co_await send_pieces(ctx, *connection, pieces, deadline);
            }
            if (!sent) {
                const bool timed_out = deadline.fired;
                release(ctx, std::move(connection));
                out.failure = Failure{.status = static_cast<std::uint16_t>(timed_out ? 504 : 502),
                                      .detail = timed_out ? "sending to the upstream timed out"
                                                          : "the upstream connection failed",
                                      .retryable = false, .backend_fault = true};
                co_return out;
            }
            if (chunk.kind == BodyChunk::Kind::end) {
                break;
            }
        }
    }

    parser.reset();
    parser.expect_response_to_head(ctx.is_head);
    const std::uint64_t sent_ms = ctx.reactor.now_ms();
    const std::uint64_t header_end_ms = sent_ms + ms_of(cfg.timeouts.header);
    bool any_byte = false;
    bool started = false;
    std::uint16_t status = 0;
    std::vector<http1::Field> fields;
    std::string via;
    bool reusable = false;
    bool finished = false;
    // Abort after the head: the downstream must close; the backend's fault decides health.
    const auto abort_after_head = [&](bool backend_fault) {
        out.done = true;
        out.result.complete = false;
        out.backend_ok = !backend_fault;
    };
    while (!finished) {
        const std::uint64_t now = ctx.reactor.now_ms();
        const std::uint64_t idle = ms_of(cfg.timeouts.idle_read);
        const std::uint64_t phase = started ? idle : std::min(idle, header_end_ms > now ? header_end_ms - now : 0);
        deadline.watch(connection->recv(), left_ms(ctx, phase));
        io::RecvResult received = co_await connection->receive();
        deadline.disarm();
        if (received.kind == io::RecvResult::Kind::interrupted) {
            release(ctx, std::move(connection));
            if (rq.sink->has_started()) {
                abort_after_head(true);
                co_return out;
            }
            out.failure = Failure{.status = 504, .detail = "the upstream did not answer in time",
                                  .retryable = false, .backend_fault = true};
            co_return out;
        }
        if (received.kind != io::RecvResult::Kind::data) {
            const http1::Step step = parser.finish();
            release(ctx, std::move(connection));
            if (step.progress == http1::Progress::message_done && started) {
                finished = true;  // a body delimited by the close
                if (!co_await rq.sink->finish({})) {
                    out.result.complete = false;
                }
                out.done = true;
                co_return out;
            }
            if (rq.sink->has_started()) {
                abort_after_head(true);
                co_return out;
            }
            const bool reset = received.kind == io::RecvResult::Kind::error;
            out.failure = Failure{.status = 502,
                                  .detail = !any_byte ? (reset ? "the upstream reset the connection"
                                                               : "the upstream closed the connection")
                                                      : "the upstream response was cut short",
                                  .retryable = !any_byte && may_retry(), .backend_fault = true};
            co_return out;
        }
        any_byte = true;
        std::string_view input = received.buffer.bytes();
        while (!finished) {
            const http1::Step step = parser.feed(input);
            input.remove_prefix(step.consumed);
            if (step.progress == http1::Progress::need_more) {
                break;
            }
            if (step.progress == http1::Progress::failed) {
                release(ctx, std::move(connection));
                if (rq.sink->has_started()) {
                    abort_after_head(true);
                    co_return out;
                }
                out.failure = Failure{.status = 502,
                                      .detail = std::string("invalid response from the upstream: ") +
                                                std::string(to_string(parser.error().reason)),
                                      .retryable = false, .backend_fault = true};
                co_return out;
            }
            if (step.progress == http1::Progress::head_done) {
                status = parser.head().status;
                if (status < 200) {
                    if (status == 101 && !ctx.upgrade.empty()) {
                        co_return co_await switch_protocols(ctx, std::move(connection), parser.head(), input);
                    }
                    if (status == 101) {
                        release(ctx, std::move(connection));
                        out.failure = Failure{.status = 502, .detail = "unexpected protocol switch",
                                              .retryable = false, .backend_fault = true};
                        co_return out;
                    }
                    continue;  // interim: dropped (we answered Expect ourselves)
                }
                const bool no_body = ctx.is_head || status == 204 || status == 304;
                forward_response_fields(fields, parser.head().fields, rq.route->config().response_headers,
                                        ctx.is_head || status == 304, via);
                const http1::ResponseHead& response = parser.head();
                std::optional<std::uint64_t> length;
                if (response.framing == http1::BodyFraming::content_length) {
                    length = response.content_length;
                } else if (response.framing == http1::BodyFraming::none) {
                    length = 0;
                }
                started = true;
                out.result.status = status;
                // A named value, not a temporary: g++ 12 mishandles temporaries with
                // destructors inside co_await expressions.
                const ResponseStart response_start{
                    .status = status, .fields = fields, .content_length = length, .has_body = !no_body, .upgrade = {}};
                if (!co_await rq.sink->start(response_start)) {
                    release(ctx, std::move(connection));
                    abort_after_head(false);
                    co_return out;
                }
                continue;
            }
            if (step.progress == http1::Progress::body_data) {
                out.result.body_bytes += step.body.size();
                if (!co_await rq.sink->write(step.body)) {
                    release(ctx, std::move(connection));
                    abort_after_head(false);
                    co_return out;
                }
                continue;
            }
            // message_done
            if (status < 200) {
                parser.reset();
                continue;
            }
            finished = true;
            // A backend that declined an upgrade may still have taken it half-way.
            reusable = parser.head().keep_alive && input.empty() && ctx.upgrade.empty() &&
                       parser.head().framing != http1::BodyFraming::until_close &&
                       (cfg.pool.max_requests == 0 || connection->requests < cfg.pool.max_requests);
        }
    }
    const std::vector<http1::Field>& trailers = parser.trailers();
    if (reusable) {
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

// `failure` by value: a coroutine parameter must not refer to a caller's temporary.
io::Task<ForwardResult> respond_error(const ForwardRequest& rq, Failure failure, bool is_head) {
    const ErrorPage page = make_error_page(failure.status, failure.detail, rq.head->find("accept").value_or(""));
    const std::array<Field, 2> fields{Field{.name = "Content-Type", .value = page.content_type},
                                      Field{.name = "Cache-Control", .value = "no-store"}};
    ForwardResult result{.status = failure.status, .body_bytes = 0, .complete = false};
    const ResponseStart start{.status = failure.status, .fields = fields,
                              .content_length = page.body.size(), .has_body = !is_head, .upgrade = {}};
    if (!co_await rq.sink->start(start)) {
        co_return result;
    }
    if (!is_head) {
        if (!co_await rq.sink->write(page.body)) {
            co_return result;
        }
        result.body_bytes = page.body.size();
    }
    result.complete = co_await rq.sink->finish({});
    co_return result;
}

// RFC 9110 §7.8: Upgrade means nothing in HTTP/1.0. A request with a body is forwarded
// without it, since the switch would happen in the middle of the body we relay.
std::string_view upgrade_wanted(const ForwardRequest& request) noexcept {
    const http1::RequestHead& head = *request.head;
    const bool bodiless = head.framing == http1::BodyFraming::none ||
                          (head.framing == http1::BodyFraming::content_length && head.content_length == 0);
    if (request.tunnel == nullptr || !head.is_upgrade || head.version != http1::Version::http11 || !bodiless) {
        return {};
    }
    return head.find("upgrade").value_or("");
}

}  // namespace

std::uint64_t left_ms(const Context& ctx, std::uint64_t phase_ms) noexcept {
    const std::uint64_t now = ctx.reactor.now_ms();
    const std::uint64_t total_left = ctx.total_end_ms > now ? ctx.total_end_ms - now : 0;
    return std::min(phase_ms, total_left);
}

void release(Context& ctx, std::unique_ptr<UpstreamConnection> connection) {
    if (connection) {
        ctx.reactor.spawn(close_upstream(ctx.reactor, std::move(connection)));
    }
}

io::Task<bool> send_pieces(Context& ctx, UpstreamConnection& connection, std::span<iovec> pieces,
                           UpstreamDeadline& deadline) {
    const io::Completion* inflight = nullptr;
    deadline.watch(nullptr, &inflight, left_ms(ctx, ms_of(ctx.group.config().timeouts.idle_read)));
    const bool sent = co_await connection.send(pieces, inflight);
    deadline.disarm();
    co_return sent;
}

io::Task<Obtained> obtain_connection(Context& ctx, std::size_t backend, UpstreamDeadline& deadline) {
    const CompiledUpstream& upstream = ctx.group.upstream();
    const CompiledBackend& target = upstream.backends[backend];
    const config::Upstream& cfg = ctx.group.config();
    Obtained out;
    out.connection = ctx.group.pool(backend).take();
    if (out.connection) {
        ++ctx.stats.reused;
    } else {
        const std::uint64_t connect_end_ms = ctx.reactor.now_ms() + left_ms(ctx, ms_of(cfg.timeouts.connect));
        ConnectResult connected = co_await connect_upstream(ctx.reactor, *target.address, backend,
                                                            connect_end_ms - ctx.reactor.now_ms());
        ++ctx.stats.connects;
        if (!connected.connection) {
            ++ctx.stats.connect_failures;
            out.failure = connected.timed_out
                              ? Failure{.status = 504, .detail = "connect to " + target.key + " timed out",
                                        .retryable = true, .backend_fault = true}
                              : Failure{.status = 502,
                                        .detail = "connect to " + target.key + " failed: " +
                                                  std::strerror(connected.error),
                                        .retryable = true, .backend_fault = true};
            co_return out;
        }
        UpstreamConnection& connection = *connected.connection;
        if (upstream.tls) {
            const std::string_view server_name =
                cfg.tls->server_name.empty() ? std::string_view(target.config->host) : cfg.tls->server_name;
            connection.use_tls(std::make_unique<transport::TlsStream>(ctx.reactor, connection.fd(), connection.recv(),
                                                                      upstream.tls, server_name, target.key));
            const io::Completion* inflight = nullptr;
            const std::uint64_t now = ctx.reactor.now_ms();
            deadline.watch(&connection.recv(), &inflight, connect_end_ms > now ? connect_end_ms - now : 0);
            const bool secured = co_await connection.tls()->handshake(inflight);
            deadline.disarm();
            if (!secured) {
                const std::string_view reason = connection.tls()->session().failure_reason();
                out.failure = Failure{
                    .status = static_cast<std::uint16_t>(deadline.fired ? 504 : 502),
                    .detail = "TLS handshake with " + target.key +
                              (deadline.fired ? std::string(" timed out")
                                              : " failed: " + std::string(reason.empty() ? "connection closed" : reason)),
                    .retryable = true, .backend_fault = true};
                ++ctx.stats.connect_failures;
                // A refused certificate is a configuration matter an operator must see.
                RINGWALL_LOG(warn, "upstream " + cfg.name + ": " + out.failure.detail);
                release(ctx, std::move(connected.connection));
                co_return out;
            }
        }
        if (cfg.protocol == config::UpstreamProtocol::http2) {
            if (upstream.tls && connection.tls()->session().alpn() != "h2") {
                out.failure = Failure{.status = 502,
                                      .detail = target.key + " did not agree to HTTP/2 (ALPN)",
                                      .retryable = true, .backend_fault = true};
                ++ctx.stats.connect_failures;
                release(ctx, std::move(connected.connection));
                co_return out;
            }
            connection.use_http2(std::make_unique<Http2Upstream>(http2_upstream_window));
        }
        out.connection = std::move(connected.connection);
        RINGWALL_LOG(debug, "upstream " + cfg.name + ": connected to " + target.key + " (connects " +
                                std::to_string(ctx.stats.connects) + ", reused " +
                                std::to_string(ctx.stats.reused) + " of " +
                                std::to_string(ctx.stats.requests) + " requests)");
    }
    ++ctx.stats.requests;
    ++out.connection->requests;
    co_return out;
}

bool is_idempotent(std::string_view method) noexcept {
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" ||
           method == "DELETE" || method == "TRACE";
}

io::Task<ForwardResult> forward(const ForwardRequest& request) {
    UpstreamSet& upstreams = *request.upstreams;
    io::Reactor& reactor = upstreams.reactor();
    const bool is_head = request.head->method == "HEAD";
    UpstreamGroup* group = upstreams.group(request.route->upstream_index());
    if (group == nullptr || group->upstream().backends.empty()) {
        // Named, not a temporary: g++ 12 destroys temporaries of co_await operands twice.
        Failure none{.status = 503, .detail = "the upstream has no backends"};
        co_return co_await respond_error(request, std::move(none), is_head);
    }
    const config::Upstream& cfg = group->config();
    const std::uint64_t now_us = reactor.now_ms() * 1000;
    if (!group->breaker().allow(now_us)) {
        Failure open{.status = 503, .detail = "the circuit breaker of " + cfg.name + " is open"};
        co_return co_await respond_error(request, std::move(open), is_head);
    }
    group->retry_budget().on_request(now_us);
    Context ctx{.request = request,
                .group = *group,
                .reactor = reactor,
                .stats = upstreams.stats(),
                .total_end_ms = reactor.now_ms() + ms_of(cfg.timeouts.total),
                .is_head = is_head,
                .idempotent = is_idempotent(request.head->method),
                // A tunnel relays socket bytes, so it needs a plain HTTP/1.1 connection.
                .upgrade = cfg.tls || cfg.protocol != config::UpstreamProtocol::http1 ? std::string_view()
                                                                                      : upgrade_wanted(request)};
    const std::uint64_t hash = group->needs_hash() ? affinity_hash(*group, request) : 0;
    std::unique_ptr<http1::ResponseParser> parser = upstreams.take_parser();
    UpstreamDeadline deadline(reactor);
    // Which backends this request has tried; most upstreams are small enough for the stack.
    const std::size_t backend_count = group->upstream().backends.size();
    std::array<char, 32> tried_inline{};
    std::vector<char> tried_heap;
    if (backend_count > tried_inline.size()) {
        tried_heap.assign(backend_count, 0);
    }
    const std::span<char> tried = backend_count > tried_inline.size()
                                      ? std::span<char>(tried_heap)
                                      : std::span<char>(tried_inline.data(), backend_count);
    Failure failure;
    for (std::uint32_t tries = 0;; ++tries) {
        const std::uint64_t pick_us = reactor.now_ms() * 1000;
        if (tries > 0) {
            if (!failure.retryable || tries >= std::max<std::uint32_t>(cfg.retry.attempts, 1) ||
                !group->retry_budget().can_retry(pick_us)) {
                break;
            }
        }
        const std::optional<std::size_t> backend = group->pick(pick_us, hash, tried);
        if (!backend) {
            if (tries == 0) {
                failure = Failure{.status = 503, .detail = "no healthy backend in " + cfg.name};
            }
            break;
        }
        if (tries > 0) {
            group->retry_budget().on_retry(pick_us);
            ++ctx.stats.retries;
        }
        tried[*backend] = 1;
        group->on_start(*backend);
        // A named task: g++ 12 miscompiles co_await inside a conditional expression.
        io::Task<AttemptOutcome> trying = cfg.protocol == config::UpstreamProtocol::http2
                                              ? attempt_http2(ctx, *backend, deadline)
                                              : attempt(ctx, *backend, *parser, deadline);
        AttemptOutcome outcome = co_await trying;
        const std::uint64_t end_us = outcome.answered_us != 0 ? outcome.answered_us : reactor.now_ms() * 1000;
        const bool ok = outcome.done ? outcome.backend_ok : !outcome.failure.backend_fault;
        group->on_finish(*backend, ok, end_us - pick_us, end_us);
        if (outcome.done) {
            upstreams.give_back(std::move(parser));
            co_return outcome.result;
        }
        ++ctx.stats.failures;
        failure = std::move(outcome.failure);
        RINGWALL_LOG(debug, "upstream " + cfg.name + ": " + failure.detail);
    }
    upstreams.give_back(std::move(parser));
    co_return co_await respond_error(request, std::move(failure), is_head);
}

}  // namespace ringwall::proxy
