// src/lb/smooth_weighted_round_robin.h: nginx's smooth weighted round robin.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb {

// Weighted round robin that interleaves instead of bursting (the algorithm of nginx's
// upstream round robin, 2012): with weights {5, 1, 1} it yields a a b a c a a, not
// a a a a a b c. Each pick adds every available backend's effective weight to its running
// score, takes the highest score and charges the winner the sum of the weights added. Over
// any full cycle of `sum of weights` picks each backend gets exactly its weight; within
// any window of k picks a backend gets at most about k * weight / total + 1.
//
// A failed request halves the backend's effective weight; each pick then gives one back
// until it reaches the configured weight, so a flaky backend sheds load at once and
// regains it gradually (nginx does the same with weight / max_fails steps).
//
// Cost per pick: O(n), one pass over the backends. No allocation.
class SmoothWeightedRoundRobin {
public:
    explicit SmoothWeightedRoundRobin(std::span<const BackendInfo> backends);

    // The next backend in the smooth sequence among those available and not drained, or
    // nullopt when there is none. Unavailable backends keep their score, so they rejoin
    // where they left off.
    std::optional<BackendIndex> pick(Availability available = {}) noexcept;

    // Only failures matter here; successes need no report.
    void on_finish(BackendIndex i, const Outcome& outcome) noexcept;

    std::size_t size() const noexcept { return peers_.size(); }
    std::uint32_t effective_weight(BackendIndex i) const noexcept {
        return static_cast<std::uint32_t>(peers_[i].effective);
    }

private:
    struct Peer {
        std::int64_t weight = 0;
        std::int64_t effective = 0;  // always: 0 <= effective <= weight
        std::int64_t current = 0;    // the running score; sums to 0 across backends
    };
    std::vector<Peer> peers_;
};

}  // namespace ringwall::lb
