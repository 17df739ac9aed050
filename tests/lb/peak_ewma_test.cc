// Tests for PeakEwma: the prior, jumps to peaks, time-weighted decay.
#include "lb/peak_ewma.h"

#include <gtest/gtest.h>

namespace ringwall::lb {
namespace {

constexpr double half_life = 1'000'000;  // 1 s

TEST(PeakEwma, ReportsThePriorUntilTheFirstObservation) {
    PeakEwma ewma(500);
    EXPECT_DOUBLE_EQ(ewma.estimate(0, half_life), 500);
    EXPECT_DOUBLE_EQ(ewma.estimate(100'000'000, half_life), 500);  // a prior does not decay
    ewma.observe(80, 100'000'000, half_life);
    EXPECT_DOUBLE_EQ(ewma.estimate(100'000'000, half_life), 80);  // replaced, not averaged
}

TEST(PeakEwma, JumpsToAHigherObservationAtOnce) {
    PeakEwma ewma;
    ewma.observe(100, 0, half_life);
    ewma.observe(5'000, 10, half_life);
    EXPECT_DOUBLE_EQ(ewma.estimate(10, half_life), 5'000);
}

TEST(PeakEwma, HalvesPerHalfLifeWithoutObservations) {
    PeakEwma ewma;
    ewma.observe(8'000, 0, half_life);
    EXPECT_NEAR(ewma.estimate(1'000'000, half_life), 4'000, 1e-6);
    EXPECT_NEAR(ewma.estimate(3'000'000, half_life), 1'000, 1e-6);
}

TEST(PeakEwma, LowerObservationsPullByElapsedTime) {
    PeakEwma ewma;
    ewma.observe(1'000, 0, half_life);
    // One half-life later, a 200 us observation: 1000 * 1/2 + 200 * (1 - 1/2).
    ewma.observe(200, 1'000'000, half_life);
    EXPECT_NEAR(ewma.estimate(1'000'000, half_life), 600, 1e-6);
    // At the same instant, a lower observation carries no weight: time, not count, decides.
    ewma.observe(1, 1'000'000, half_life);
    EXPECT_NEAR(ewma.estimate(1'000'000, half_life), 600, 1e-6);
}

TEST(PeakEwma, TreatsTimeGoingBackwardsAsNoTime) {
    PeakEwma ewma;
    ewma.observe(1'000, 5'000'000, half_life);
    EXPECT_DOUBLE_EQ(ewma.estimate(1'000'000, half_life), 1'000);
    ewma.observe(10, 1'000'000, half_life);
    EXPECT_DOUBLE_EQ(ewma.estimate(5'000'000, half_life), 1'000);
}

}  // namespace
}  // namespace ringwall::lb
