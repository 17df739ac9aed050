// Tests for PassiveHealth: ejection after consecutive failures, growing cool-downs, probation.
#include "lb/passive_health.h"

#include <gtest/gtest.h>

#include <vector>

#include "lb/round_robin.h"
#include "lb/spread.h"

namespace ringwall::lb {
namespace {

constexpr std::uint64_t second = 1'000'000;

PassiveHealthOptions options() {
    return PassiveHealthOptions{
        .max_failures = 3, .base_ejection_us = 10 * second, .max_ejection_us = 300 * second};
}

TEST(PassiveHealth, EjectsAfterMaxConsecutiveFailures) {
    PassiveHealth health(2, options());
    EXPECT_FALSE(health.record_failure(0, 0));
    EXPECT_FALSE(health.record_failure(0, 1));
    EXPECT_TRUE(health.is_available(0, 2));
    EXPECT_TRUE(health.record_failure(0, 2));
    EXPECT_FALSE(health.is_available(0, 3));
    EXPECT_TRUE(health.is_available(1, 3));  // per backend
    EXPECT_FALSE(health.is_available(0, 2 + 10 * second - 1));
    EXPECT_TRUE(health.is_available(0, 2 + 10 * second));
}

TEST(PassiveHealth, ASuccessBreaksTheStreak) {
    PassiveHealth health(1, options());
    health.record_failure(0, 0);
    health.record_failure(0, 0);
    health.record_success(0, 0);
    EXPECT_FALSE(health.record_failure(0, 0));
    EXPECT_FALSE(health.record_failure(0, 0));
    EXPECT_TRUE(health.is_available(0, 0));
}

TEST(PassiveHealth, CoolDownsDoubleUpToTheCap) {
    PassiveHealth health(1, options());
    std::uint64_t now = 0;
    for (int k = 0; k < 3; ++k) {
        health.record_failure(0, now);
    }
    std::vector<std::uint64_t> cool_downs;
    for (int ejection = 0; ejection < 8; ++ejection) {
        cool_downs.push_back((health.ejected_until_us(0) - now) / second);
        now = health.ejected_until_us(0);
        // Back on probation: one failure is enough to eject again, for twice as long.
        EXPECT_TRUE(health.is_available(0, now));
        EXPECT_TRUE(health.record_failure(0, now));
    }
    EXPECT_EQ(cool_downs, (std::vector<std::uint64_t>{10, 20, 40, 80, 160, 300, 300, 300}));
    EXPECT_EQ(health.ejections(0), 9u);
}

TEST(PassiveHealth, ASuccessAfterTheCoolDownResetsTheGrowth) {
    PassiveHealth health(1, options());
    for (int k = 0; k < 3; ++k) {
        health.record_failure(0, 0);
    }
    health.record_failure(0, 10 * second);  // probation failure: 20 s
    EXPECT_EQ(health.ejected_until_us(0), 30 * second);
    health.record_success(0, 30 * second);
    EXPECT_EQ(health.ejections(0), 0u);
    // Trusted again: it takes max_failures to eject, and the cool-down is the base again.
    EXPECT_FALSE(health.record_failure(0, 31 * second));
    EXPECT_FALSE(health.record_failure(0, 31 * second));
    EXPECT_TRUE(health.record_failure(0, 31 * second));
    EXPECT_EQ(health.ejected_until_us(0), 41 * second);
}

TEST(PassiveHealth, OutcomesOfRequestsInFlightDuringEjectionAreIgnored) {
    PassiveHealth health(1, options());
    for (int k = 0; k < 3; ++k) {
        health.record_failure(0, 0);
    }
    health.record_success(0, 5 * second);  // late success: no early return
    EXPECT_FALSE(health.is_available(0, 5 * second));
    EXPECT_FALSE(health.record_failure(0, 6 * second));  // late failure: no extension
    EXPECT_EQ(health.ejected_until_us(0), 10 * second);
    EXPECT_EQ(health.ejections(0), 1u);
}

TEST(PassiveHealth, ZeroMaxFailuresNeverEjects) {
    PassiveHealth health(1, PassiveHealthOptions{.max_failures = 0});
    for (int k = 0; k < 100; ++k) {
        EXPECT_FALSE(health.record_failure(0, 0));
    }
    EXPECT_TRUE(health.is_available(0, 0));
}

TEST(PassiveHealth, BalancersSkipEjectedBackends) {
    PassiveHealth health(3, options());
    RoundRobin rr(testing::equal_backends(3));
    for (int k = 0; k < 3; ++k) {
        health.record_failure(1, 0);
    }
    const std::vector<std::size_t> during =
        testing::count_picks(3, 100, [&] { return rr.pick(health.available_at(second)); });
    EXPECT_EQ(during, (std::vector<std::size_t>{50, 0, 50, 0}));
    const std::vector<std::size_t> after =
        testing::count_picks(3, 99, [&] { return rr.pick(health.available_at(11 * second)); });
    EXPECT_EQ(after, (std::vector<std::size_t>{33, 33, 33, 0}));
}

}  // namespace
}  // namespace ringwall::lb
