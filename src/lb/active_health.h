// src/lb/active_health.h: health-check results turned into healthy/unhealthy, with hysteresis.
#pragma once

#include <cstdint>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb {

struct ActiveHealthOptions {
    // Consecutive passes that make an unhealthy backend healthy.
    std::uint32_t healthy_threshold = 2;
    // Consecutive failures that make a healthy backend unhealthy.
    std::uint32_t unhealthy_threshold = 3;
    // Whether a backend counts as healthy before its first checks. true keeps traffic
    // flowing after a reload; false waits for healthy_threshold passes (nginx's "mandatory").
    bool start_healthy = true;
};

enum class HealthChange : std::uint8_t { none, became_healthy, became_unhealthy };

// The state machine behind active health checks (the checks themselves, requests on a
// timer, are the proxy's). Thresholds give hysteresis: a single lost probe does not take a
// backend out, and a single lucky one does not bring it back. A threshold of 0 acts as 1.
class ActiveHealth {
public:
    ActiveHealth(std::size_t backend_count, const ActiveHealthOptions& options = {});

    // Records one check of backend i; says whether the backend's state flipped.
    HealthChange record_check(BackendIndex i, bool ok) noexcept;

    bool is_healthy(BackendIndex i) const noexcept { return backends_[i].healthy; }
    std::size_t size() const noexcept { return backends_.size(); }

    // An Availability source for pick(), valid while this object lives.
    struct Healthy {
        const ActiveHealth* health;
        bool operator()(BackendIndex i) const noexcept {
            return i < health->size() && health->is_healthy(i);
        }
    };
    Healthy healthy() const noexcept { return {this}; }

private:
    struct Backend {
        bool healthy = true;
        std::uint32_t streak = 0;  // consecutive results that disagree with `healthy`
    };

    std::vector<Backend> backends_;
    std::uint32_t healthy_threshold_;
    std::uint32_t unhealthy_threshold_;
};

}  // namespace ringwall::lb
