// src/lb/least_connections.h: weighted least connections, ties shared by smooth round robin.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb {

// Picks the available backend with the fewest requests in flight per unit of weight
// (active / weight, compared by cross-multiplying so no division or rounding is involved).
// Backends tied for the minimum take turns by smooth weighted round robin, as nginx's
// least_conn does: otherwise, when requests finish before the next one arrives (every
// count 0), the lowest index would get everything, and weights would count for nothing.
//
// The counts are only what the proxy reports: call on_start when a request is sent to the
// picked backend and on_finish when it ends (success or not). pick() itself changes no count.
//
// Cost per pick: O(n): one pass over the backends, then one over those tied for the least
// load. No allocation.
class LeastConnections {
public:
    explicit LeastConnections(std::span<const BackendInfo> backends);

    // The least loaded backend among those available and not drained, or nullopt.
    std::optional<BackendIndex> pick(Availability available = {}) noexcept;

    void on_start(BackendIndex i) noexcept;
    // The outcome does not matter here, only that the request is no longer in flight.
    void on_finish(BackendIndex i, const Outcome& outcome = {}) noexcept;

    std::size_t size() const noexcept { return peers_.size(); }
    std::uint32_t active(BackendIndex i) const noexcept { return peers_[i].active; }

private:
    struct Peer {
        std::uint32_t weight = 0;
        std::uint32_t active = 0;
        std::int64_t current = 0;  // smooth round robin score among tied backends
    };
    std::vector<Peer> peers_;
};

}  // namespace ringwall::lb
