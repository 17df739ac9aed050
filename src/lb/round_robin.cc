// src/lb/round_robin.cc: plain round robin over the available backends.
#include "lb/round_robin.h"

namespace ringwall::lb {

RoundRobin::RoundRobin(std::span<const BackendInfo> backends) : drained_(backends.size()) {
    for (std::size_t i = 0; i < backends.size(); ++i) {
        drained_[i] = backends[i].weight == 0;
    }
}

std::optional<BackendIndex> RoundRobin::pick(Availability available) noexcept {
    const std::size_t n = drained_.size();
    BackendIndex i = next_;
    for (std::size_t tried = 0; tried < n; ++tried) {
        if (!drained_[i] && available(i)) {
            next_ = i + 1 == n ? 0 : i + 1;
            return i;
        }
        i = i + 1 == n ? 0 : i + 1;
    }
    return std::nullopt;
}

}  // namespace ringwall::lb
