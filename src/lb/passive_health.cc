// src/lb/passive_health.cc: ejecting backends whose real requests keep failing.
#include "lb/passive_health.h"

namespace ringwall::lb {

PassiveHealth::PassiveHealth(std::size_t backend_count, const PassiveHealthOptions& options)
    : backends_(backend_count), options_(options) {}

std::uint64_t PassiveHealth::cool_down_us(std::uint32_t ejections) const noexcept {
    const std::uint64_t base = options_.base_ejection_us;
    const std::uint64_t cap = options_.max_ejection_us;
    // min(base << ejections, cap), without letting the shift overflow.
    if (ejections >= 63 || base > (cap >> ejections)) {
        return cap;
    }
    return base << ejections;
}

bool PassiveHealth::record_failure(BackendIndex i, std::uint64_t now_us) noexcept {
    if (i >= backends_.size() || options_.max_failures == 0) {
        return false;
    }
    Backend& backend = backends_[i];
    if (now_us < backend.ejected_until_us) {
        return false;
    }
    ++backend.failures;
    const bool on_probation = backend.ejections > 0;
    if (!on_probation && backend.failures < options_.max_failures) {
        return false;
    }
    backend.ejected_until_us = now_us + cool_down_us(backend.ejections);
    if (backend.ejections < ~std::uint32_t{0}) {
        ++backend.ejections;
    }
    backend.failures = 0;
    return true;
}

void PassiveHealth::record_success(BackendIndex i, std::uint64_t now_us) noexcept {
    if (i >= backends_.size() || now_us < backends_[i].ejected_until_us) {
        return;
    }
    backends_[i].failures = 0;
    backends_[i].ejections = 0;
}

}  // namespace ringwall::lb
