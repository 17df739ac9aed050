// src/proxy/upstream_group.h: one worker's state for the upstreams of one snapshot:
// balancer, passive health, circuit breaker, retry budget and a pool per backend.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "http1/response_parser.h"
#include "io/reactor.h"
#include "lb/balancer.h"
#include "lb/circuit_breaker.h"
#include "lb/passive_health.h"
#include "lb/retry_budget.h"
#include "proxy/active_checker.h"
#include "proxy/pipeline.h"
#include "proxy/upstream_connection.h"

namespace ringwall::proxy {

// Counters of one worker, for tests and the stats line.
struct UpstreamStats {
    std::uint64_t requests = 0;     // requests sent upstream (attempts)
    std::uint64_t reused = 0;       // ... of them on a pooled connection
    std::uint64_t connects = 0;     // connections opened
    std::uint64_t connect_failures = 0;
    std::uint64_t retries = 0;
    std::uint64_t failures = 0;     // attempts that failed (any cause)
};

class UpstreamGroup {
public:
    UpstreamGroup(io::Reactor& reactor, const CompiledUpstream& upstream);
    UpstreamGroup(const UpstreamGroup&) = delete;
    UpstreamGroup& operator=(const UpstreamGroup&) = delete;

    const CompiledUpstream& upstream() const noexcept { return upstream_; }
    const config::Upstream& config() const noexcept { return *upstream_.config; }

    // A backend that is resolved, not ejected and not in `tried`, or nullopt.
    std::optional<std::size_t> pick(std::uint64_t now_us, std::uint64_t hash,
                                     std::span<const char> tried) noexcept;
    bool needs_hash() const noexcept { return balancer_.needs_hash(); }

    void on_start(std::size_t backend) noexcept { balancer_.on_start(backend); }
    // Exactly once per on_start. A failure counts against the backend's health and the
    // breaker; true when it ejected the backend.
    bool on_finish(std::size_t backend, bool ok, std::uint64_t latency_us, std::uint64_t now_us) noexcept;

    lb::CircuitBreaker& breaker() noexcept { return breaker_; }
    lb::RetryBudget& retry_budget() noexcept { return budget_; }
    ConnectionPool& pool(std::size_t backend) noexcept { return *pools_[backend]; }
    void close_idle() noexcept;

    // Active health checks (health.check_path set): backends they find unhealthy are not
    // picked. Null without checks.
    void set_active_checks(std::shared_ptr<ActiveChecks> checks) noexcept { active_ = std::move(checks); }
    const ActiveChecks* active_checks() const noexcept { return active_.get(); }
    void stop_checks() noexcept;

private:
    const CompiledUpstream& upstream_;
    lb::Balancer balancer_;
    lb::PassiveHealth health_;
    lb::CircuitBreaker breaker_;
    lb::RetryBudget budget_;
    std::vector<std::unique_ptr<ConnectionPool>> pools_;
    std::shared_ptr<ActiveChecks> active_;
};

// Every upstream of one snapshot, for one worker. Held by shared_ptr: requests in flight
// keep the set of an older snapshot until they finish.
class UpstreamSet {
public:
    UpstreamSet(io::Reactor& reactor, std::shared_ptr<const Pipeline> pipeline);
    ~UpstreamSet();

    // Null for an index the pipeline does not have.
    UpstreamGroup* group(std::size_t index) noexcept {
        return index < groups_.size() ? groups_[index].get() : nullptr;
    }
    io::Reactor& reactor() noexcept { return reactor_; }
    const config::Config& config() const noexcept { return pipeline_->config(); }
    const Pipeline& pipeline() const noexcept { return *pipeline_; }
    UpstreamStats& stats() noexcept { return stats_; }
    // Shutdown or reload: idle connections close now, returned ones are not kept, and the
    // active health checkers end (at the next loop turn).
    void close_idle() noexcept;

    // A response parser for one exchange, with this configuration's limits. Spares are
    // kept, so that a steady stream of requests allocates no parser arenas.
    std::unique_ptr<http1::ResponseParser> take_parser();
    void give_back(std::unique_ptr<http1::ResponseParser> parser) noexcept;

private:
    io::Reactor& reactor_;
    std::vector<std::unique_ptr<http1::ResponseParser>> spare_parsers_;
    std::shared_ptr<const Pipeline> pipeline_;  // owns the CompiledUpstreams we point into
    std::vector<std::unique_ptr<UpstreamGroup>> groups_;
    UpstreamStats stats_;
};

}  // namespace ringwall::proxy
