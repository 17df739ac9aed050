// Tests for ActiveHealth: thresholds in both directions and their hysteresis.
#include "lb/active_health.h"

#include <gtest/gtest.h>

namespace ringwall::lb {
namespace {

TEST(ActiveHealth, TurnsUnhealthyAfterUnhealthyThresholdFailures) {
    ActiveHealth health(2, ActiveHealthOptions{.healthy_threshold = 2, .unhealthy_threshold = 3});
    EXPECT_TRUE(health.is_healthy(0));
    EXPECT_EQ(health.record_check(0, false), HealthChange::none);
    EXPECT_EQ(health.record_check(0, false), HealthChange::none);
    EXPECT_EQ(health.record_check(0, false), HealthChange::became_unhealthy);
    EXPECT_FALSE(health.is_healthy(0));
    EXPECT_TRUE(health.is_healthy(1));
    EXPECT_EQ(health.record_check(0, false), HealthChange::none);  // reported once
}

TEST(ActiveHealth, ComesBackAfterHealthyThresholdPasses) {
    ActiveHealth health(1, ActiveHealthOptions{.healthy_threshold = 2, .unhealthy_threshold = 1});
    EXPECT_EQ(health.record_check(0, false), HealthChange::became_unhealthy);
    EXPECT_EQ(health.record_check(0, true), HealthChange::none);
    EXPECT_EQ(health.record_check(0, true), HealthChange::became_healthy);
    EXPECT_TRUE(health.is_healthy(0));
}

TEST(ActiveHealth, AlternatingResultsChangeNothing) {
    ActiveHealth health(1, ActiveHealthOptions{.healthy_threshold = 2, .unhealthy_threshold = 2});
    for (int k = 0; k < 100; ++k) {
        EXPECT_EQ(health.record_check(0, k % 2 == 0), HealthChange::none);
    }
    EXPECT_TRUE(health.is_healthy(0));
}

TEST(ActiveHealth, CanStartUnhealthyUntilProvenOtherwise) {
    ActiveHealth health(1, ActiveHealthOptions{.healthy_threshold = 3, .start_healthy = false});
    EXPECT_FALSE(health.is_healthy(0));
    EXPECT_FALSE(health.healthy()(0));
    health.record_check(0, true);
    health.record_check(0, true);
    EXPECT_EQ(health.record_check(0, true), HealthChange::became_healthy);
    EXPECT_TRUE(health.healthy()(0));
    EXPECT_FALSE(health.healthy()(1));  // out of range: not available
}

TEST(ActiveHealth, ZeroThresholdsActAsOne) {
    ActiveHealth health(1, ActiveHealthOptions{.healthy_threshold = 0, .unhealthy_threshold = 0});
    EXPECT_EQ(health.record_check(0, false), HealthChange::became_unhealthy);
    EXPECT_EQ(health.record_check(0, true), HealthChange::became_healthy);
}

}  // namespace
}  // namespace ringwall::lb
