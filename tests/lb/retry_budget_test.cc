// Tests for RetryBudget: the share of requests, the per-second floor, and the window.
#include "lb/retry_budget.h"

#include <gtest/gtest.h>

namespace ringwall::lb {
namespace {

constexpr std::uint64_t second = 1'000'000;

// Retries granted in a row at `now`, spending each one.
int spend_all(RetryBudget& budget, std::uint64_t now) {
    int granted = 0;
    while (budget.can_retry(now) && granted < 100'000) {
        budget.on_retry(now);
        ++granted;
    }
    return granted;
}

TEST(RetryBudget, AllowsThePercentOfRecentRequests) {
    RetryBudget budget(
        RetryBudgetOptions{.percent = 20, .min_per_second = 0, .window_us = 10 * second});
    EXPECT_FALSE(budget.can_retry(0));
    for (int k = 0; k < 100; ++k) {
        budget.on_request(0);
    }
    EXPECT_EQ(budget.allowance(0), 20u);
    EXPECT_EQ(spend_all(budget, 0), 20);
    for (int k = 0; k < 4; ++k) {
        budget.on_request(second);
    }
    EXPECT_FALSE(budget.can_retry(second));  // 104 * 20% = 20.8: still 20
    budget.on_request(second);
    EXPECT_EQ(spend_all(budget, second), 1);  // 105 * 20% = 21
}

TEST(RetryBudget, AlwaysAllowsTheMinimumPerSecond) {
    RetryBudget budget(
        RetryBudgetOptions{.percent = 20, .min_per_second = 10, .window_us = 10 * second});
    EXPECT_EQ(budget.allowance(0), 100u);  // 10 per second over a 10 s window
    EXPECT_EQ(spend_all(budget, 0), 100);
    for (int k = 0; k < 50; ++k) {
        budget.on_request(0);
    }
    EXPECT_EQ(spend_all(budget, 0), 10);  // the floor plus 20% of 50
}

TEST(RetryBudget, SpentRetriesAndOldRequestsLeaveTheWindow) {
    RetryBudget budget(
        RetryBudgetOptions{.percent = 50, .min_per_second = 0, .window_us = 10 * second});
    for (int k = 0; k < 10; ++k) {
        budget.on_request(0);
    }
    EXPECT_EQ(spend_all(budget, 0), 5);
    EXPECT_FALSE(budget.can_retry(5 * second));
    // Past the window, the requests that earned the retries are gone, and so are the retries.
    EXPECT_EQ(budget.allowance(11 * second), 0u);
    for (int k = 0; k < 4; ++k) {
        budget.on_request(11 * second);
    }
    EXPECT_EQ(spend_all(budget, 11 * second), 2);
}

TEST(RetryBudget, BoundsRetryLoadUnderTotalFailure) {
    // Every request fails and wants a retry: over a minute, retries stay at the budget.
    RetryBudget budget(
        RetryBudgetOptions{.percent = 20, .min_per_second = 10, .window_us = 10 * second});
    std::uint64_t requests = 0;
    std::uint64_t retries = 0;
    for (std::uint64_t now = 0; now < 60 * second; now += 1'000) {  // 1000 requests/s
        budget.on_request(now);
        ++requests;
        if (budget.can_retry(now)) {
            budget.on_retry(now);
            ++retries;
        }
    }
    const double ratio = static_cast<double>(retries) / static_cast<double>(requests);
    EXPECT_LT(ratio, 0.20 + 0.01 + 0.005);  // 20% plus a floor worth 1% at this rate
    EXPECT_GT(ratio, 0.19);
}

}  // namespace
}  // namespace ringwall::lb
