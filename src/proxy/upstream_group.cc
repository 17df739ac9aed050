// src/proxy/upstream_group.cc: per-worker balancing, health and pooling state.
#include "proxy/upstream_group.h"

#include "util/log.h"

namespace ringwall::proxy {

namespace {

std::uint64_t to_us(config::Duration d) noexcept {
    return static_cast<std::uint64_t>(d.count()) * 1000;
}

std::vector<lb::BackendInfo> backend_infos(const CompiledUpstream& upstream) {
    std::vector<lb::BackendInfo> infos;
    for (const CompiledBackend& backend : upstream.backends) {
        infos.push_back(lb::BackendInfo{.weight = backend.config->weight, .key = backend.key});
    }
    return infos;
}

}  // namespace

UpstreamGroup::UpstreamGroup(io::Reactor& reactor, const CompiledUpstream& upstream)
    : upstream_(upstream),
      balancer_(static_cast<lb::Policy>(upstream.config->balance), backend_infos(upstream)),
      health_(upstream.backends.size(),
              lb::PassiveHealthOptions{.max_failures = upstream.config->health.max_failures,
                                       .base_ejection_us = to_us(upstream.config->health.ejection_time),
                                       .max_ejection_us = to_us(upstream.config->health.max_ejection_time)}),
      breaker_(lb::CircuitBreakerOptions{
          .failure_threshold = upstream.config->circuit_breaker.failure_threshold,
          .failure_ratio = 0.0,
          .min_requests = 20,
          .window_us = 10'000'000,
          .open_us = to_us(upstream.config->circuit_breaker.open_time),
          .half_open_requests = upstream.config->circuit_breaker.half_open_requests}),
      budget_(lb::RetryBudgetOptions{.percent = upstream.config->retry.budget_percent,
                                     .min_per_second = upstream.config->retry.min_per_second,
                                     .window_us = 10'000'000}) {
    const config::UpstreamPool& pool = upstream.config->pool;
    pools_.reserve(upstream.backends.size());
    for (std::size_t i = 0; i < upstream.backends.size(); ++i) {
        pools_.push_back(std::make_unique<ConnectionPool>(
            reactor, pool.max_idle, static_cast<std::uint64_t>(pool.idle_timeout.count())));
    }
}

std::optional<std::size_t> UpstreamGroup::pick(std::uint64_t now_us, std::uint64_t hash,
                                               std::span<const char> tried) noexcept {
    const auto available = [&](std::size_t i) {
        return i < upstream_.backends.size() && upstream_.backends[i].address.has_value() &&
               (i >= tried.size() || tried[i] == 0) && health_.is_available(i, now_us) &&
               (active_ == nullptr || active_->is_healthy(i));
    };
    return balancer_.pick(lb::PickRequest{.now_us = now_us, .hash = hash}, available);
}

bool UpstreamGroup::on_finish(std::size_t backend, bool ok, std::uint64_t latency_us,
                              std::uint64_t now_us) noexcept {
    balancer_.on_finish(backend, lb::Outcome{.latency_us = latency_us, .now_us = now_us, .ok = ok});
    if (ok) {
        health_.record_success(backend, now_us);
        breaker_.on_success();
        return false;
    }
    breaker_.on_failure(now_us);
    const bool ejected = health_.record_failure(backend, now_us);
    if (ejected) {
        RINGWALL_LOG(warn, "upstream " + config().name + ": backend " + upstream_.backends[backend].key +
                               " ejected after failures");
    }
    return ejected;
}

void UpstreamGroup::close_idle() noexcept {
    for (const std::unique_ptr<ConnectionPool>& pool : pools_) {
        pool->close();
    }
    stop_checks();
}

void UpstreamGroup::stop_checks() noexcept {
    if (active_) {
        active_->stop();
    }
}

UpstreamSet::UpstreamSet(io::Reactor& reactor, std::shared_ptr<const Pipeline> pipeline)
    : reactor_(reactor), pipeline_(std::move(pipeline)) {
    for (const CompiledUpstream& upstream : pipeline_->upstreams()) {
        groups_.push_back(std::make_unique<UpstreamGroup>(reactor, upstream));
        if (!upstream.config->health.check_path.empty()) {
            auto checks = std::make_shared<ActiveChecks>(pipeline_, upstream);
            groups_.back()->set_active_checks(checks);
            ActiveChecks::start(reactor, checks);
        }
    }
}

UpstreamSet::~UpstreamSet() { close_idle(); }

void UpstreamSet::close_idle() noexcept {
    for (const std::unique_ptr<UpstreamGroup>& group : groups_) {
        group->close_idle();
    }
}

std::unique_ptr<http1::ResponseParser> UpstreamSet::take_parser() {
    if (!spare_parsers_.empty()) {
        std::unique_ptr<http1::ResponseParser> parser = std::move(spare_parsers_.back());
        spare_parsers_.pop_back();
        return parser;
    }
    const config::Limits& limits = config().limits;
    return std::make_unique<http1::ResponseParser>(http1::Limits{.max_request_line = limits.max_request_line,
                                                                 .max_field_size = limits.max_field_size,
                                                                 .max_header_size = limits.max_header_size,
                                                                 .max_fields = limits.max_fields,
                                                                 .max_body_size = 0,
                                                                 .max_chunk_extension = 1024});
}

void UpstreamSet::give_back(std::unique_ptr<http1::ResponseParser> parser) noexcept {
    // Enough for the exchanges one worker has in flight at a time in a busy steady state;
    // a burst beyond that frees its parsers.
    constexpr std::size_t max_spare = 64;
    if (spare_parsers_.size() < max_spare) {
        parser->reset();
        spare_parsers_.push_back(std::move(parser));
    }
}

}  // namespace ringwall::proxy
