// src/proxy/pipeline.h: the request pipeline compiled from one configuration snapshot.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "files/mime_types.h"
#include "io/socket_address.h"
#include "proxy/exchange.h"
#include "proxy/route_matcher.h"
#include "tls/client_context.h"

namespace ringwall::proxy {

// A backend with its address resolved when the snapshot was built (on the main thread:
// reactors never resolve names).
struct CompiledBackend {
    const config::Backend* config = nullptr;
    std::optional<io::SocketAddress> address;  // nullopt when the name did not resolve
    std::string key;                           // "host:port", the balancer's identity
};

struct CompiledUpstream {
    const config::Upstream* config = nullptr;
    std::vector<CompiledBackend> backends;
    // With [upstreams.tls]: verification, roots, ALPN and the sessions to resume.
    std::shared_ptr<const tls::ClientContext> tls;
};

// A route with everything that can be computed at load time already computed, so that
// answering a `respond` route copies prepared bytes and formats nothing.
class CompiledRoute {
public:
    explicit CompiledRoute(const config::Route& route);

    const config::Route& config() const noexcept { return *route_; }
    const RouteMatcher& matcher() const noexcept { return matcher_; }
    const Response& response() const noexcept { return response_; }
    config::Action action() const noexcept { return route_->action; }
    bool is_proxy() const noexcept { return route_->action == config::Action::proxy; }
    // Index into Pipeline::upstreams() for proxy routes.
    std::size_t upstream_index() const noexcept { return upstream_index_; }

    // For redirect routes: builds the response into exchange.scratch.
    void redirect(Exchange& exchange) const;

    // For static routes: the root directory, opened (O_PATH) when the snapshot was built
    // so that every file is opened beneath it; -1 when it could not be (503s).
    int root_fd() const noexcept { return root_fd_; }
    // For static routes: the response_headers operations' fields, serialized.
    std::string_view static_fields() const noexcept { return fields_; }

private:
    friend class Pipeline;
    int root_fd_ = -1;

    const config::Route* route_;
    RouteMatcher matcher_;
    std::string fields_;
    Response response_;
    std::size_t upstream_index_ = 0;
};

// Immutable once built; shared by every worker (a shared_ptr per worker and per in-flight
// request keeps an old snapshot alive until its last request has finished).
class Pipeline {
public:
    // Resolves upstream DNS names: build it on the main thread, never on a reactor.
    explicit Pipeline(std::shared_ptr<const config::Config> config);
    // What kept an upstream's TLS settings from loading (a CA file without certificates,
    // a client key that does not match), with the key's path; such a pipeline must not
    // replace a running one.
    const std::string& setup_error() const noexcept { return setup_error_; }
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;
    ~Pipeline();

    const config::Config& config() const noexcept { return *config_; }
    const std::vector<CompiledUpstream>& upstreams() const noexcept { return upstreams_; }
    // The built-in types with [files].mime_types applied.
    const files::MimeMap& mime_types() const noexcept { return mime_types_; }

    // Stage one: the first route that matches, in configuration order, or null.
    const CompiledRoute* match(const Request& request) const noexcept;

    // The synchronous actions (respond, redirect, and 404 when `exchange.route` is null):
    // fills exchange.response. Not for proxy routes.
    void respond(Exchange& exchange) const;

    // match, then respond: for callers whose routes never proxy (tests, the fast path).
    void run(Exchange& exchange) const;

    // The response for a status the server produces itself (errors, 404).
    Response error_response(std::uint16_t status) const;

    // An upper bound on the head of any prepared response this pipeline produces, the
    // fixed fields a downstream codec adds included: what a connection keeps free in its
    // send buffer before parsing another pipelined request.
    std::size_t max_head_size() const noexcept { return max_head_size_; }

private:
    std::shared_ptr<const config::Config> config_;
    std::vector<CompiledRoute> routes_;
    std::vector<CompiledUpstream> upstreams_;
    std::string setup_error_;
    files::MimeMap mime_types_;
    std::size_t max_head_size_ = 0;
};

}  // namespace ringwall::proxy
