// Tests for RoundRobin: exact spread, order, and skipping unavailable or drained backends.
#include "lb/round_robin.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "lb/spread.h"

namespace ringwall::lb {
namespace {

using testing::count_picks;
using testing::equal_backends;

TEST(RoundRobin, SpreadsPicksExactlyEvenly) {
    RoundRobin rr(equal_backends(5));
    const std::vector<std::size_t> counts = count_picks(5, 100'000, [&] { return rr.pick(); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{20'000, 20'000, 20'000, 20'000, 20'000, 0}));
}

TEST(RoundRobin, VisitsBackendsInOrder) {
    RoundRobin rr(equal_backends(3));
    for (int cycle = 0; cycle < 3; ++cycle) {
        for (BackendIndex i = 0; i < 3; ++i) {
            EXPECT_EQ(rr.pick(), i);
        }
    }
}

TEST(RoundRobin, SharesTheLoadOfAnUnavailableBackendEvenly) {
    RoundRobin rr(equal_backends(5));
    const std::array<bool, 5> flags{true, true, false, true, true};
    const std::vector<std::size_t> counts = count_picks(5, 100'000, [&] { return rr.pick(flags); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{25'000, 25'000, 0, 25'000, 25'000, 0}));
}

TEST(RoundRobin, ResumesABackendThatComesBack) {
    RoundRobin rr(equal_backends(3));
    std::array<bool, 3> flags{true, false, true};
    EXPECT_EQ(rr.pick(flags), 0u);
    EXPECT_EQ(rr.pick(flags), 2u);
    flags[1] = true;
    EXPECT_EQ(rr.pick(flags), 0u);
    EXPECT_EQ(rr.pick(flags), 1u);
}

TEST(RoundRobin, ReturnsNulloptWhenNothingIsAvailable) {
    RoundRobin rr(equal_backends(3));
    const std::array<bool, 3> none{false, false, false};
    EXPECT_EQ(rr.pick(none), std::nullopt);
    RoundRobin empty(std::vector<BackendInfo>{});
    EXPECT_EQ(empty.pick(), std::nullopt);
}

TEST(RoundRobin, NeverPicksADrainedBackend) {
    RoundRobin rr(testing::backends_with_weights({1, 0, 1}));
    const std::vector<std::size_t> counts = count_picks(3, 1'000, [&] { return rr.pick(); });
    EXPECT_EQ(counts, (std::vector<std::size_t>{500, 0, 500, 0}));
}

}  // namespace
}  // namespace ringwall::lb
