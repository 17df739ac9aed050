// src/proxy/pipeline.h: the request pipeline compiled from one configuration snapshot.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "proxy/exchange.h"
#include "proxy/route_matcher.h"

namespace ringwall::proxy {

// A route with everything that can be computed at load time already computed, so that
// answering a `respond` route copies prepared bytes and formats nothing.
class CompiledRoute {
public:
    explicit CompiledRoute(const config::Route& route);

    const config::Route& config() const noexcept { return *route_; }
    const RouteMatcher& matcher() const noexcept { return matcher_; }
    const Response& response() const noexcept { return response_; }

private:
    const config::Route* route_;
    RouteMatcher matcher_;
    std::string fields_;
    Response response_;
};

// Immutable once built; shared by every worker (a shared_ptr per worker and per in-flight
// request keeps an old snapshot alive until its last request has finished).
class Pipeline {
public:
    explicit Pipeline(std::shared_ptr<const config::Config> config);
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    const config::Config& config() const noexcept { return *config_; }

    // Fixed stage order: route match, then the route's handler. Always responds (404 when
    // no route matches). Synchronous while every handler is; it becomes a Task<Flow>
    // chain when the first handler that waits (upstream) arrives.
    void run(Exchange& exchange) const;

    // The response for a status the server produces itself (errors, 404).
    Response error_response(std::uint16_t status) const;

    // An upper bound on the head of any response this pipeline produces, the fixed fields
    // a downstream codec adds included: what a connection keeps free in its send buffer
    // before parsing another pipelined request.
    std::size_t max_head_size() const noexcept { return max_head_size_; }

private:
    std::shared_ptr<const config::Config> config_;
    std::vector<CompiledRoute> routes_;
    std::size_t max_head_size_ = 0;
};

}  // namespace ringwall::proxy
