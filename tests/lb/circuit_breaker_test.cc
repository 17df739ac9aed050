// Tests for CircuitBreaker: closed -> open -> half-open -> closed or open, and both triggers.
#include "lb/circuit_breaker.h"

#include <gtest/gtest.h>

namespace ringwall::lb {
namespace {

constexpr std::uint64_t second = 1'000'000;

CircuitBreakerOptions consecutive(std::uint32_t threshold, std::uint32_t probes = 1) {
    CircuitBreakerOptions options;
    options.failure_threshold = threshold;
    options.open_us = 10 * second;
    options.half_open_requests = probes;
    return options;
}

// Opens `breaker` at `now` with `threshold` consecutive failures.
void trip(CircuitBreaker& breaker, std::uint32_t threshold, std::uint64_t now) {
    for (std::uint32_t k = 0; k < threshold; ++k) {
        ASSERT_TRUE(breaker.allow(now));
        breaker.on_failure(now);
    }
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailures) {
    CircuitBreaker breaker(consecutive(3));
    EXPECT_EQ(breaker.state(0), BreakerState::closed);
    EXPECT_FALSE(breaker.on_failure(0));
    EXPECT_FALSE(breaker.on_failure(0));
    EXPECT_TRUE(breaker.on_failure(0));
    EXPECT_EQ(breaker.state(0), BreakerState::open);
    EXPECT_FALSE(breaker.allow(1));
    EXPECT_FALSE(breaker.allow(10 * second - 1));
}

TEST(CircuitBreaker, ASuccessResetsTheConsecutiveCount) {
    CircuitBreaker breaker(consecutive(3));
    for (int k = 0; k < 10; ++k) {
        breaker.on_failure(0);
        breaker.on_failure(0);
        breaker.on_success();
    }
    EXPECT_EQ(breaker.state(0), BreakerState::closed);
}

TEST(CircuitBreaker, HalfOpenLetsOneProbeThroughAndItsSuccessCloses) {
    CircuitBreaker breaker(consecutive(2));
    trip(breaker, 2, 0);
    EXPECT_EQ(breaker.state(10 * second), BreakerState::half_open);
    EXPECT_TRUE(breaker.allow(10 * second));   // the probe
    EXPECT_FALSE(breaker.allow(10 * second));  // everyone else waits for its verdict
    breaker.on_success();
    EXPECT_EQ(breaker.state(10 * second), BreakerState::closed);
    EXPECT_TRUE(breaker.allow(10 * second));
    EXPECT_TRUE(breaker.allow(10 * second));
}

TEST(CircuitBreaker, AFailedProbeReopensForAnotherCoolDown) {
    CircuitBreaker breaker(consecutive(2));
    trip(breaker, 2, 0);
    EXPECT_TRUE(breaker.allow(12 * second));
    EXPECT_TRUE(breaker.on_failure(12 * second));
    EXPECT_EQ(breaker.state(12 * second), BreakerState::open);
    EXPECT_FALSE(breaker.allow(21 * second));
    EXPECT_TRUE(breaker.allow(22 * second));
}

TEST(CircuitBreaker, ClosesOnlyWhenEveryProbeOfTheBatchSucceeds) {
    CircuitBreaker breaker(consecutive(1, 3));
    trip(breaker, 1, 0);
    for (int k = 0; k < 3; ++k) {
        EXPECT_TRUE(breaker.allow(10 * second));
    }
    EXPECT_FALSE(breaker.allow(10 * second));
    breaker.on_success();
    breaker.on_success();
    EXPECT_EQ(breaker.state(10 * second), BreakerState::half_open);
    breaker.on_success();
    EXPECT_EQ(breaker.state(10 * second), BreakerState::closed);
}

TEST(CircuitBreaker, LostProbesAreReplacedAfterAnotherCoolDown) {
    CircuitBreaker breaker(consecutive(1));
    trip(breaker, 1, 0);
    EXPECT_TRUE(breaker.allow(10 * second));  // this probe's outcome never arrives
    EXPECT_FALSE(breaker.allow(15 * second));
    EXPECT_TRUE(breaker.allow(20 * second));
    EXPECT_FALSE(breaker.allow(20 * second));
}

TEST(CircuitBreaker, OutcomesArrivingWhileOpenAreIgnored) {
    CircuitBreaker breaker(consecutive(1));
    trip(breaker, 1, 0);
    breaker.on_success();  // a request sent before the breaker opened
    EXPECT_EQ(breaker.state(1), BreakerState::open);
    EXPECT_FALSE(breaker.on_failure(5 * second));  // does not restart the cool-down
    EXPECT_EQ(breaker.state(10 * second), BreakerState::half_open);
}

TEST(CircuitBreaker, OpensOnTheFailureRatioOverTheWindow) {
    CircuitBreakerOptions options;
    options.failure_threshold = 0;  // ratio only
    options.failure_ratio = 0.5;
    options.min_requests = 20;
    options.window_us = 10 * second;
    CircuitBreaker breaker(options);
    // Alternating success and failure never makes 2 consecutive failures, but is 50%.
    bool opened = false;
    int requests = 0;
    while (!opened && requests < 100) {
        ASSERT_TRUE(breaker.allow(0));
        ++requests;
        if (requests % 2 == 0) {
            opened = breaker.on_failure(0);
        } else {
            breaker.on_success();
        }
    }
    EXPECT_TRUE(opened);
    EXPECT_EQ(requests, 20);  // not before min_requests
}

TEST(CircuitBreaker, OldFailuresLeaveTheWindow) {
    CircuitBreakerOptions options;
    options.failure_threshold = 0;
    options.failure_ratio = 0.5;
    options.min_requests = 10;
    options.window_us = 10 * second;
    CircuitBreaker breaker(options);
    for (int k = 0; k < 9; ++k) {
        breaker.allow(0);
        breaker.on_failure(0);
    }
    // 20 s later those 9 failures are out of the window: 10 new requests, 1 failure.
    for (int k = 0; k < 9; ++k) {
        breaker.allow(20 * second);
        breaker.on_success();
    }
    breaker.allow(20 * second);
    EXPECT_FALSE(breaker.on_failure(20 * second));
    EXPECT_EQ(breaker.state(20 * second), BreakerState::closed);
}

TEST(CircuitBreaker, ClosingForgetsTheFailuresThatOpenedIt) {
    CircuitBreakerOptions options;
    options.failure_threshold = 0;
    options.failure_ratio = 0.5;
    options.min_requests = 4;
    options.open_us = second;
    CircuitBreaker breaker(options);
    for (int k = 0; k < 4; ++k) {
        breaker.allow(0);
        breaker.on_failure(0);
    }
    EXPECT_EQ(breaker.state(0), BreakerState::open);
    EXPECT_TRUE(breaker.allow(second));
    breaker.on_success();
    EXPECT_TRUE(breaker.allow(second));
    EXPECT_FALSE(breaker.on_failure(second));  // 1 of 2 is 50%, but below min_requests
    EXPECT_EQ(breaker.state(second), BreakerState::closed);
}

}  // namespace
}  // namespace ringwall::lb
