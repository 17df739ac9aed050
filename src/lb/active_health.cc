// src/lb/active_health.cc: health-check results turned into healthy/unhealthy, with hysteresis.
#include "lb/active_health.h"

namespace ringwall::lb {

ActiveHealth::ActiveHealth(std::size_t backend_count, const ActiveHealthOptions& options)
    : backends_(backend_count, Backend{options.start_healthy, 0}),
      healthy_threshold_(options.healthy_threshold > 0 ? options.healthy_threshold : 1),
      unhealthy_threshold_(options.unhealthy_threshold > 0 ? options.unhealthy_threshold : 1) {}

HealthChange ActiveHealth::record_check(BackendIndex i, bool ok) noexcept {
    if (i >= backends_.size()) {
        return HealthChange::none;
    }
    Backend& backend = backends_[i];
    if (ok == backend.healthy) {
        backend.streak = 0;  // a result that agrees interrupts any streak against it
        return HealthChange::none;
    }
    ++backend.streak;
    if (backend.streak < (ok ? healthy_threshold_ : unhealthy_threshold_)) {
        return HealthChange::none;
    }
    backend.healthy = ok;
    backend.streak = 0;
    return ok ? HealthChange::became_healthy : HealthChange::became_unhealthy;
}

}  // namespace ringwall::lb
