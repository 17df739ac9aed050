// Tests for LeastConnections: balance under load, weights, tie sharing, unavailability.
#include "lb/least_connections.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "lb/simulation.h"
#include "lb/spread.h"

namespace ringwall::lb {
namespace {

using testing::backends_with_weights;
using testing::count_picks;
using testing::equal_backends;

TEST(LeastConnections, EqualIdleBackendsShareLoadExactly) {
    // Every request ends before the next: all counts stay 0, and ties must still rotate.
    LeastConnections lc(equal_backends(5));
    const std::vector<std::size_t> counts = count_picks(5, 100'000, [&] {
        const std::optional<BackendIndex> i = lc.pick();
        lc.on_start(*i);
        lc.on_finish(*i);
        return i;
    });
    EXPECT_EQ(counts, (std::vector<std::size_t>{20'000, 20'000, 20'000, 20'000, 20'000, 0}));
}

TEST(LeastConnections, IdleBackendsShareLoadByWeight) {
    LeastConnections lc(backends_with_weights({1, 2, 3, 4}));
    const std::vector<std::size_t> counts = count_picks(4, 100'000, [&] { return lc.pick(); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{10'000, 20'000, 30'000, 40'000, 0}));
}

TEST(LeastConnections, ManyTiedBackendsStillTakeTurns) {
    // More ties than the pick remembers: the second pass asks the view again.
    LeastConnections lc(equal_backends(100));
    std::array<bool, 100> flags;
    flags.fill(true);
    flags[42] = false;
    const std::vector<std::size_t> counts =
        count_picks(100, 99 * 50, [&] { return lc.pick(flags); });
    for (BackendIndex i = 0; i < 100; ++i) {
        EXPECT_EQ(counts[i], i == 42 ? 0u : 50u) << i;
    }
}

TEST(LeastConnections, PicksTheBackendWithFewestInFlight) {
    LeastConnections lc(equal_backends(3));
    lc.on_start(0);
    lc.on_start(0);
    lc.on_start(2);
    EXPECT_EQ(lc.pick(), 1u);
    lc.on_start(1);
    lc.on_start(1);
    EXPECT_EQ(lc.pick(), 2u);
    lc.on_finish(0);
    lc.on_finish(0);
    EXPECT_EQ(lc.pick(), 0u);
}

TEST(LeastConnections, ComparesInFlightPerUnitOfWeight) {
    LeastConnections lc(backends_with_weights({1, 3}));
    lc.on_start(0);  // 1 / 1
    lc.on_start(1);
    lc.on_start(1);  // 2 / 3: less loaded despite more requests
    EXPECT_EQ(lc.pick(), 1u);
    lc.on_start(1);  // 3 / 3 ties 1 / 1: weights share the tie, 3 to 1
    const std::vector<std::size_t> counts = count_picks(2, 400, [&] { return lc.pick(); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{100, 300, 0}));
}

TEST(LeastConnections, KeepsInFlightCountsLevelUnderLoad) {
    // Five equal-weight backends, one five times slower. Least connections must keep the
    // number in flight level and so send the slow one fewer requests.
    LeastConnections lc(equal_backends(5));
    const std::vector<std::uint64_t> latency{1'000, 1'000, 1'000, 1'000, 5'000};
    const testing::SimulatedRun run = testing::simulate(
        latency, 100'000, 100,
        [&](std::uint64_t) {
            const std::optional<BackendIndex> i = lc.pick();
            // The invariant itself: the pick is never busier than any other backend.
            for (BackendIndex j = 0; j < lc.size(); ++j) {
                EXPECT_LE(lc.active(*i), lc.active(j));
            }
            return i;
        },
        [&](BackendIndex i) { lc.on_start(i); },
        [&](BackendIndex i, const Outcome& outcome) { lc.on_finish(i, outcome); });
    // Level in-flight counts A give throughputs A/1ms and A/5ms: shares 1/4.2 and 0.2/4.2.
    for (BackendIndex i = 0; i < 4; ++i) {
        EXPECT_NEAR(static_cast<double>(run.picks[i]) / 100'000, 1 / 4.2, 0.01);
        EXPECT_LE(run.peak_active[i], 4u);
    }
    EXPECT_NEAR(static_cast<double>(run.picks[4]) / 100'000, 0.2 / 4.2, 0.01);
    EXPECT_LE(run.peak_active[4], 4u);
}

TEST(LeastConnections, SkipsUnavailableAndDrainedBackends) {
    LeastConnections lc(backends_with_weights({1, 1, 0, 1}));
    lc.on_start(0);
    lc.on_start(3);
    const std::array<bool, 4> flags{true, false, true, true};
    const std::vector<std::size_t> counts = count_picks(4, 1'000, [&] { return lc.pick(flags); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{500, 0, 0, 500, 0}));
    const std::array<bool, 4> none{false, false, false, false};
    EXPECT_EQ(lc.pick(none), std::nullopt);
}

TEST(LeastConnections, IgnoresAFinishWithoutAStart) {
    LeastConnections lc(equal_backends(2));
    lc.on_finish(0);
    EXPECT_EQ(lc.active(0), 0u);
    lc.on_start(7);  // out of range: ignored
    lc.on_finish(7);
}

}  // namespace
}  // namespace ringwall::lb
