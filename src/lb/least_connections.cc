// src/lb/least_connections.cc: weighted least connections, ties shared by smooth round robin.
#include "lb/least_connections.h"

#include <array>

namespace ringwall::lb {
namespace {

// Sign of a.active / a.weight - b.active / b.weight, exactly: both products fit in 64 bits.
int compare_load(std::uint32_t a_active, std::uint32_t a_weight, std::uint32_t b_active,
                 std::uint32_t b_weight) noexcept {
    const std::uint64_t left = std::uint64_t{a_active} * b_weight;
    const std::uint64_t right = std::uint64_t{b_active} * a_weight;
    return left < right ? -1 : (left > right ? 1 : 0);
}

}  // namespace

LeastConnections::LeastConnections(std::span<const BackendInfo> backends)
    : peers_(backends.size()) {
    for (std::size_t i = 0; i < backends.size(); ++i) {
        peers_[i].weight = backends[i].weight;
    }
}

std::optional<BackendIndex> LeastConnections::pick(Availability available) noexcept {
    // The tied backends, remembered so the second pass need not ask the availability view
    // again (an indirect call each); past the buffer's size the view is asked after all.
    std::array<BackendIndex, 64> tied;
    std::size_t ties = 0;
    std::optional<BackendIndex> least;
    for (BackendIndex i = 0; i < peers_.size(); ++i) {
        const Peer& peer = peers_[i];
        if (peer.weight == 0 || !available(i)) {
            continue;
        }
        const int order = least ? compare_load(peer.active, peer.weight, peers_[*least].active,
                                               peers_[*least].weight)
                                : -1;
        if (order < 0) {
            least = i;
            ties = 0;
        }
        if (order <= 0) {
            if (ties < tied.size()) {
                tied[ties] = i;
            }
            ++ties;
        }
    }
    if (ties <= 1) {
        return least;
    }
    // Smooth weighted round robin among the tied backends only.
    std::int64_t total = 0;
    Peer* best = nullptr;
    BackendIndex best_index = 0;
    const auto take_turn = [&](BackendIndex i) {
        Peer& peer = peers_[i];
        peer.current += peer.weight;
        total += peer.weight;
        if (best == nullptr || peer.current > best->current) {
            best = &peer;
            best_index = i;
        }
    };
    if (ties <= tied.size()) {
        for (std::size_t k = 0; k < ties; ++k) {
            take_turn(tied[k]);
        }
    } else {
        const Peer reference = peers_[*least];
        for (BackendIndex i = *least; i < peers_.size(); ++i) {
            const Peer& peer = peers_[i];
            if (peer.weight != 0 &&
                compare_load(peer.active, peer.weight, reference.active, reference.weight) == 0 &&
                available(i)) {
                take_turn(i);
            }
        }
    }
    if (best == nullptr) {
        return least;  // the view changed its answer between the passes; any tie will do
    }
    best->current -= total;
    return best_index;
}

void LeastConnections::on_start(BackendIndex i) noexcept {
    if (i < peers_.size()) {
        ++peers_[i].active;
    }
}

void LeastConnections::on_finish(BackendIndex i, const Outcome&) noexcept {
    // A finish without a start is a caller bug; saturating keeps the counts meaningful.
    if (i < peers_.size() && peers_[i].active > 0) {
        --peers_[i].active;
    }
}

}  // namespace ringwall::lb
