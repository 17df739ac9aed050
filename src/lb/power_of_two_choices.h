// src/lb/power_of_two_choices.h: power of two random choices over peak-EWMA latency x load.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "lb/backend_set.h"
#include "lb/peak_ewma.h"
#include "lb/prng.h"

namespace ringwall::lb {

struct P2cOptions {
    // How fast old latency stops counting, and how fast an idle backend's estimate decays
    // towards 0 so that it gets tried again.
    std::uint64_t half_life_us = 5'000'000;
    // Assumed latency of a backend that has not answered yet while a request to it is in
    // flight. With none in flight such a backend costs nothing: a new backend gets one
    // request at once and is then judged by its answer (Finagle probes the same way).
    std::uint64_t initial_latency_us = 1'000;
    // A failed request counts as at least this latency: a backend that fails fast (refused
    // connections, instant 503s) must not look like the fastest one. PassiveHealth is what
    // takes a persistently failing backend out.
    std::uint64_t failure_penalty_us = 100'000;
    // Same seed, same choices: tests replay exact sequences. Give each worker its own.
    std::uint64_t seed = 0x5eed;
};

// Power of two choices (Mitzenmacher 2001) with Finagle's/Linkerd's peak-EWMA cost: draw two
// distinct available backends at random and take the cheaper, where
//
//     cost = (latency estimate + 1 us) * (requests in flight + 1) / weight.
//
// Comparing two random backends instead of all of them avoids the herd behaviour of
// "always the global best" (every worker piling onto one backend between updates) and
// still takes load off slow or busy backends. The +1 us keeps the load factor meaningful
// when a backend answers in under a microsecond.
//
// Call on_start when a request is sent to the picked backend and on_finish when it ends.
//
// Cost per pick: O(1) expected: two random draws, two estimates (one exp2 each). When most
// backends are unavailable the draws fall back to an O(n) count-and-select. No allocation.
class PowerOfTwoChoices {
public:
    explicit PowerOfTwoChoices(std::span<const BackendInfo> backends,
                               const P2cOptions& options = {});

    // The cheaper of two random available, undrained backends (the only one when there is
    // one), or nullopt when there is none.
    std::optional<BackendIndex> pick(std::uint64_t now_us, Availability available = {}) noexcept;

    void on_start(BackendIndex i) noexcept;
    // Ends a request started with on_start and records its latency (or the failure penalty).
    void on_finish(BackendIndex i, const Outcome& outcome) noexcept;

    std::size_t size() const noexcept { return peers_.size(); }
    std::uint32_t active(BackendIndex i) const noexcept { return peers_[i].active; }
    double latency_estimate_us(BackendIndex i, std::uint64_t now_us) const noexcept {
        return peers_[i].latency.estimate(now_us, half_life_us_);
    }
    double cost(BackendIndex i, std::uint64_t now_us) const noexcept;

private:
    struct Peer {
        PeakEwma latency;
        std::uint32_t weight = 0;
        std::uint32_t active = 0;
    };

    // A uniformly random available, undrained backend other than `excluded`.
    std::optional<BackendIndex> draw(Availability available, BackendIndex excluded) noexcept;

    std::vector<Peer> peers_;
    double half_life_us_;
    double failure_penalty_us_;
    Prng rng_;
};

}  // namespace ringwall::lb
