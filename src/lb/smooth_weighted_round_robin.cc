// src/lb/smooth_weighted_round_robin.cc: nginx's smooth weighted round robin.
#include "lb/smooth_weighted_round_robin.h"

namespace ringwall::lb {

SmoothWeightedRoundRobin::SmoothWeightedRoundRobin(std::span<const BackendInfo> backends)
    : peers_(backends.size()) {
    for (std::size_t i = 0; i < backends.size(); ++i) {
        peers_[i].weight = backends[i].weight;
        peers_[i].effective = backends[i].weight;
    }
}

std::optional<BackendIndex> SmoothWeightedRoundRobin::pick(Availability available) noexcept {
    std::int64_t total = 0;
    Peer* best = nullptr;
    BackendIndex best_index = 0;
    for (BackendIndex i = 0; i < peers_.size(); ++i) {
        Peer& peer = peers_[i];
        if (peer.weight == 0 || !available(i)) {
            continue;
        }
        peer.current += peer.effective;
        total += peer.effective;
        if (peer.effective < peer.weight) {
            ++peer.effective;
        }
        // Strictly greater: on equal scores the lower index wins, which makes the sequence
        // a pure function of the weights.
        if (best == nullptr || peer.current > best->current) {
            best = &peer;
            best_index = i;
        }
    }
    if (best == nullptr) {
        return std::nullopt;
    }
    best->current -= total;
    return best_index;
}

void SmoothWeightedRoundRobin::on_finish(BackendIndex i, const Outcome& outcome) noexcept {
    if (!outcome.ok && i < peers_.size()) {
        peers_[i].effective /= 2;
    }
}

}  // namespace ringwall::lb
