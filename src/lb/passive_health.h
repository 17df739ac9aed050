// src/lb/passive_health.h: ejecting backends whose real requests keep failing.
#pragma once

#include <cstdint>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb {

struct PassiveHealthOptions {
    std::uint32_t max_failures = 3;               // consecutive failures that eject; 0: never
    std::uint64_t base_ejection_us = 10'000'000;  // the first cool-down
    std::uint64_t max_ejection_us = 300'000'000;  // the cap on the doubling
};

// Outlier detection from the outcomes of real requests, per backend:
//
//   healthy --max_failures consecutive failures--> ejected for base * 2^k (capped), k = the
//   ejections since the last success --cool-down over--> on probation: tried again, and
//   one success makes it healthy (k = 0), while one failure ejects it again at once, for
//   twice as long. A dead backend thus costs one failed request per ever longer cool-down,
//   not max_failures of them each time.
//
// While a backend is ejected, outcomes of requests that were already in flight are
// ignored: they say nothing new, and a late success must not cut the cool-down short.
// Pure state: the caller passes the time, nothing here reads a clock.
class PassiveHealth {
public:
    PassiveHealth(std::size_t backend_count, const PassiveHealthOptions& options = {});

    // False while backend i's cool-down runs.
    bool is_available(BackendIndex i, std::uint64_t now_us) const noexcept {
        return now_us >= backends_[i].ejected_until_us;
    }

    // Returns true when this failure ejected the backend (worth a log line).
    bool record_failure(BackendIndex i, std::uint64_t now_us) noexcept;
    void record_success(BackendIndex i, std::uint64_t now_us) noexcept;

    std::size_t size() const noexcept { return backends_.size(); }
    std::uint64_t ejected_until_us(BackendIndex i) const noexcept {
        return backends_[i].ejected_until_us;
    }
    // Ejections since the last success; the next cool-down is base * 2^this.
    std::uint32_t ejections(BackendIndex i) const noexcept { return backends_[i].ejections; }
    std::uint32_t consecutive_failures(BackendIndex i) const noexcept {
        return backends_[i].failures;
    }

    // An Availability source for pick(), valid while this object lives:
    //     balancer.pick(request, health.available_at(now));
    struct AvailableAt {
        const PassiveHealth* health;
        std::uint64_t now_us;
        bool operator()(BackendIndex i) const noexcept {
            return i < health->size() && health->is_available(i, now_us);
        }
    };
    AvailableAt available_at(std::uint64_t now_us) const noexcept { return {this, now_us}; }

private:
    struct Backend {
        std::uint64_t ejected_until_us = 0;
        std::uint32_t failures = 0;   // consecutive, since the last success or ejection
        std::uint32_t ejections = 0;  // since the last success; > 0 means on probation
    };

    std::uint64_t cool_down_us(std::uint32_t ejections) const noexcept;

    std::vector<Backend> backends_;
    PassiveHealthOptions options_;
};

}  // namespace ringwall::lb
