// src/lb/round_robin.h: plain round robin over the available backends.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb {

// Each pick takes the next available backend after the previous pick, so k picks over n
// always-available backends give each exactly k/n (±1). Weights are ignored except that
// weight 0 (drained) is never picked: use SmoothWeightedRoundRobin for weights.
//
// Cost per pick: O(1) while the next backend is available; O(n) worst case, when the
// availability view has to be asked about every backend. No allocation.
class RoundRobin {
public:
    explicit RoundRobin(std::span<const BackendInfo> backends);

    // The next backend that is available and not drained, or nullopt when there is none.
    std::optional<BackendIndex> pick(Availability available = {}) noexcept;

    std::size_t size() const noexcept { return drained_.size(); }

private:
    std::vector<bool> drained_;  // weight 0: never picked
    BackendIndex next_ = 0;      // always < size() when size() > 0
};

}  // namespace ringwall::lb
