// src/proxy/active_checker.h: active HTTP health checks of one upstream's backends, run
// by each worker on its own reactor and fed into lb::ActiveHealth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "io/reactor.h"
#include "io/task.h"
#include "lb/active_health.h"
#include "proxy/pipeline.h"

namespace ringwall::proxy {

// The bytes of one check: "GET <path> HTTP/1.1", Host, Connection: close, User-Agent.
std::string health_check_request(std::string_view path, std::string_view host);

// Whether a check's status is within [expected_status_min, expected_status_max].
bool health_status_ok(const config::HealthChecks& health, std::uint16_t status) noexcept;

class CheckAlarm;

// The active health of one upstream on one worker, shared by its UpstreamGroup (which asks
// is_healthy) and the checker coroutines (one per resolved backend, which record results).
// Keeps the snapshot alive for as long as a checker runs. Reactor thread only.
class ActiveChecks {
public:
    ActiveChecks(std::shared_ptr<const Pipeline> pipeline, const CompiledUpstream& upstream);
    ActiveChecks(const ActiveChecks&) = delete;
    ActiveChecks& operator=(const ActiveChecks&) = delete;

    const CompiledUpstream& upstream() const noexcept { return upstream_; }
    const config::HealthChecks& options() const noexcept { return upstream_.config->health; }
    const Pipeline& pipeline() const noexcept { return *pipeline_; }

    bool is_healthy(std::size_t backend) const noexcept {
        return backend >= health_.size() || health_.is_healthy(backend);
    }

    // Records one check of `backend`; `detail` says why it failed ("503", "timed out").
    // Returns the line to log when the backend's state flipped, else "".
    std::string record(std::size_t backend, bool ok, std::string_view detail);

    // Ends every checker soon: sleeping ones wake at the next loop turn, and a check in
    // flight is cancelled. Idempotent.
    void stop() noexcept;
    bool stopped() const noexcept { return stopped_; }

    // Starts one checker per resolved backend on `reactor`; `self` is this object.
    static void start(io::Reactor& reactor, const std::shared_ptr<ActiveChecks>& self);

    // For the checkers: the alarm that stop() should fire, or null once they end.
    void attach(std::size_t backend, CheckAlarm* alarm) noexcept { alarms_[backend] = alarm; }
    std::size_t running() const noexcept;

private:
    std::shared_ptr<const Pipeline> pipeline_;
    const CompiledUpstream& upstream_;
    lb::ActiveHealth health_;
    std::vector<std::uint32_t> failures_;  // consecutive failed checks per backend
    std::vector<CheckAlarm*> alarms_;
    bool stopped_ = false;
};

// One backend's checks, every check_interval until checks->stop(). Spawn it.
io::Task<void> run_health_checks(io::Reactor& reactor, std::shared_ptr<ActiveChecks> checks,
                                 std::size_t backend);

}  // namespace ringwall::proxy
