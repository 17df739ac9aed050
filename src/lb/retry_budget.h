// src/lb/retry_budget.h: retries allowed as a share of recent requests.
#pragma once

#include <cstdint>

#include "lb/rolling_counter.h"

namespace ringwall::lb {

struct RetryBudgetOptions {
    std::uint32_t percent = 20;         // retries per 100 requests over the window
    std::uint32_t min_per_second = 10;  // always allowed, so low traffic can still retry
    std::uint64_t window_us = 10'000'000;
};

// A budget in the manner of Finagle's RetryBudget and Envoy's retry_budget: over the
// window, retries may number
//
//     requests * percent / 100  +  min_per_second * window in seconds
//
// (integer arithmetic, rounded down). Without a budget, a 3-attempt retry policy turns an
// overloaded upstream's failures into 3x the load just when it can least take it; with it,
// extra load from retries is bounded by `percent` plus the small floor.
//
// Count original requests with on_request and retries with on_retry (a retry is not also
// a request). Pure state: the caller passes the time.
class RetryBudget {
public:
    explicit RetryBudget(const RetryBudgetOptions& options = {}) noexcept;

    // Whether one more retry fits in the budget now. Does not spend it: call on_retry when
    // the retry is actually sent.
    bool can_retry(std::uint64_t now_us) const noexcept {
        return retries_.total(now_us) < allowance(now_us);
    }
    void on_request(std::uint64_t now_us) noexcept { requests_.add(now_us); }
    void on_retry(std::uint64_t now_us) noexcept { retries_.add(now_us); }

    // Retries the window allows in all at now_us (spent ones included).
    std::uint64_t allowance(std::uint64_t now_us) const noexcept;

private:
    RetryBudgetOptions options_;
    RollingCounter requests_;
    RollingCounter retries_;
};

}  // namespace ringwall::lb
