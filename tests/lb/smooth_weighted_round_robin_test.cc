// Tests for SmoothWeightedRoundRobin: exact weights per cycle, smoothness, unavailability.
#include "lb/smooth_weighted_round_robin.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <vector>

#include "lb/spread.h"

namespace ringwall::lb {
namespace {

using testing::backends_with_weights;
using testing::count_picks;

std::vector<BackendIndex> sequence(SmoothWeightedRoundRobin& swrr, std::size_t count,
                                   Availability available = {}) {
    std::vector<BackendIndex> picks;
    for (std::size_t k = 0; k < count; ++k) {
        picks.push_back(*swrr.pick(available));
    }
    return picks;
}

TEST(SmoothWeightedRoundRobin, InterleavesTheHeavyBackend) {
    // The example from nginx's change log: {5, 1, 1} gives a a b a c a a, not a burst of a.
    SmoothWeightedRoundRobin swrr(backends_with_weights({5, 1, 1}));
    EXPECT_EQ(sequence(swrr, 7), (std::vector<BackendIndex>{0, 0, 1, 0, 2, 0, 0}));
    EXPECT_EQ(sequence(swrr, 7), (std::vector<BackendIndex>{0, 0, 1, 0, 2, 0, 0}));
}

TEST(SmoothWeightedRoundRobin, MatchesWeightsExactlyOverEveryFullCycle) {
    const std::vector<std::uint32_t> weights{5, 3, 1, 1, 2};
    const std::size_t total = 12;
    SmoothWeightedRoundRobin swrr(backends_with_weights(weights));
    for (int cycle = 0; cycle < 1000; ++cycle) {
        std::vector<std::uint32_t> counts(weights.size(), 0);
        for (const BackendIndex i : sequence(swrr, total)) {
            ++counts[i];
        }
        ASSERT_EQ(counts, weights) << "cycle " << cycle;
    }
}

TEST(SmoothWeightedRoundRobin, SpreadsOneHundredThousandPicksByWeight) {
    SmoothWeightedRoundRobin swrr(backends_with_weights({1, 2, 3, 4, 10}));
    const std::vector<std::size_t> counts = count_picks(5, 100'000, [&] { return swrr.pick(); });
    // 100'000 is a whole number of 20-pick cycles.
    EXPECT_EQ(counts, (std::vector<std::size_t>{5'000, 10'000, 15'000, 20'000, 50'000, 0}));
}

// No backend gets more than ceil(k * w / total) + 1 of any k consecutive picks.
void expect_smooth(const std::vector<std::uint32_t>& weights) {
    const std::uint64_t total = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
    SmoothWeightedRoundRobin swrr(backends_with_weights(weights));
    const std::vector<BackendIndex> picks = sequence(swrr, 4 * total);
    for (std::size_t k = 1; k <= 2 * total; ++k) {
        for (std::size_t start = 0; start + k <= picks.size(); ++start) {
            std::vector<std::uint64_t> counts(weights.size(), 0);
            for (std::size_t p = start; p < start + k; ++p) {
                ++counts[picks[p]];
            }
            for (std::size_t i = 0; i < weights.size(); ++i) {
                const std::uint64_t bound = (k * weights[i] + total - 1) / total + 1;
                ASSERT_LE(counts[i], bound)
                    << "backend " << i << ", window of " << k << " picks starting at " << start;
            }
        }
    }
}

TEST(SmoothWeightedRoundRobin, NeverBurstsInAnyWindow) {
    expect_smooth({5, 1, 1});
    expect_smooth({1, 2, 3, 4, 5});
    expect_smooth({10, 1});
    expect_smooth({100, 1, 1, 1});
    expect_smooth({7, 7, 3, 2, 1});
    expect_smooth({1, 1, 1, 1, 1});
}

TEST(SmoothWeightedRoundRobin, SkipsUnavailableAndKeepsTheOtherRatios) {
    SmoothWeightedRoundRobin swrr(backends_with_weights({3, 5, 2}));
    const std::array<bool, 3> flags{true, false, true};
    const std::vector<std::size_t> counts =
        count_picks(3, 50'000, [&] { return swrr.pick(flags); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{30'000, 0, 20'000, 0}));
    const std::array<bool, 3> none{false, false, false};
    EXPECT_EQ(swrr.pick(none), std::nullopt);
}

TEST(SmoothWeightedRoundRobin, NeverPicksADrainedBackend) {
    SmoothWeightedRoundRobin swrr(backends_with_weights({2, 0, 1}));
    const std::vector<std::size_t> counts = count_picks(3, 3'000, [&] { return swrr.pick(); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{2'000, 0, 1'000, 0}));
    SmoothWeightedRoundRobin drained(backends_with_weights({0, 0}));
    EXPECT_EQ(drained.pick(), std::nullopt);
}

TEST(SmoothWeightedRoundRobin, AFailureShedsLoadThatComesBackGradually) {
    SmoothWeightedRoundRobin swrr(backends_with_weights({100, 100}));
    swrr.on_finish(0, Outcome{.latency_us = 10, .now_us = 0, .ok = false});
    EXPECT_EQ(swrr.effective_weight(0), 50u);
    swrr.on_finish(1, Outcome{.latency_us = 10, .now_us = 0, .ok = true});  // success: no change
    EXPECT_EQ(swrr.effective_weight(1), 100u);
    const std::vector<BackendIndex> recovering = sequence(swrr, 50);
    EXPECT_EQ(std::count(recovering.begin(), recovering.end(), BackendIndex{0}), 21);
    EXPECT_EQ(swrr.effective_weight(0), 100u);  // one step back per pick
    const std::vector<BackendIndex> after = sequence(swrr, 200);
    EXPECT_EQ(std::count(after.begin(), after.end(), BackendIndex{0}), 100);
}

}  // namespace
}  // namespace ringwall::lb
