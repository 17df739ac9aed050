// src/lb/power_of_two_choices.cc: power of two random choices over peak-EWMA latency x load.
#include "lb/power_of_two_choices.h"

#include <algorithm>

namespace ringwall::lb {
namespace {

// Uniform draws before giving up on luck: with half the backends unavailable, four misses
// in a row happen 1 time in 16, and then the O(n) selection is exact anyway.
constexpr int draw_attempts = 4;

constexpr BackendIndex no_backend = ~BackendIndex{0};

}  // namespace

PowerOfTwoChoices::PowerOfTwoChoices(std::span<const BackendInfo> backends,
                                     const P2cOptions& options)
    : half_life_us_(static_cast<double>(options.half_life_us)),
      failure_penalty_us_(static_cast<double>(options.failure_penalty_us)),
      rng_(options.seed) {
    peers_.reserve(backends.size());
    for (const BackendInfo& backend : backends) {
        peers_.push_back(
            Peer{PeakEwma(static_cast<double>(options.initial_latency_us)), backend.weight, 0});
    }
}

double PowerOfTwoChoices::cost(BackendIndex i, std::uint64_t now_us) const noexcept {
    const Peer& peer = peers_[i];
    if (peer.active == 0 && !peer.latency.has_observation()) {
        return 0.0;  // unknown and idle: worth one request to find out
    }
    const double latency = peer.latency.estimate(now_us, half_life_us_) + 1.0;
    return latency * (static_cast<double>(peer.active) + 1.0) / static_cast<double>(peer.weight);
}

std::optional<BackendIndex> PowerOfTwoChoices::draw(Availability available,
                                                    BackendIndex excluded) noexcept {
    const std::size_t n = peers_.size();
    if (n == 0) {
        return std::nullopt;
    }
    const auto eligible = [&](BackendIndex i) {
        return i != excluded && peers_[i].weight != 0 && available(i);
    };
    for (int attempt = 0; attempt < draw_attempts; ++attempt) {
        const BackendIndex i = rng_.below(n);
        if (eligible(i)) {
            return i;
        }
    }
    // Rejection kept missing: count the eligible backends and take a uniform rank among
    // them, which stays uniform however few remain.
    std::size_t count = 0;
    for (BackendIndex i = 0; i < n; ++i) {
        count += eligible(i) ? 1 : 0;
    }
    if (count == 0) {
        return std::nullopt;
    }
    std::size_t rank = rng_.below(count);
    for (BackendIndex i = 0; i < n; ++i) {
        if (eligible(i) && rank-- == 0) {
            return i;
        }
    }
    return std::nullopt;  // the view changed its answer between the passes
}

std::optional<BackendIndex> PowerOfTwoChoices::pick(std::uint64_t now_us,
                                                    Availability available) noexcept {
    const std::optional<BackendIndex> first = draw(available, no_backend);
    if (!first) {
        return std::nullopt;
    }
    const std::optional<BackendIndex> second = draw(available, *first);
    if (!second) {
        return first;
    }
    return cost(*second, now_us) < cost(*first, now_us) ? second : first;
}

void PowerOfTwoChoices::on_start(BackendIndex i) noexcept {
    if (i < peers_.size()) {
        ++peers_[i].active;
    }
}

void PowerOfTwoChoices::on_finish(BackendIndex i, const Outcome& outcome) noexcept {
    if (i >= peers_.size()) {
        return;
    }
    Peer& peer = peers_[i];
    if (peer.active > 0) {
        --peer.active;
    }
    double latency = static_cast<double>(outcome.latency_us);
    if (!outcome.ok) {
        latency = std::max(latency, failure_penalty_us_);
    }
    peer.latency.observe(latency, outcome.now_us, half_life_us_);
}

}  // namespace ringwall::lb
