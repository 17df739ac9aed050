// src/lb/retry_budget.cc: retries allowed as a share of recent requests.
#include "lb/retry_budget.h"

namespace ringwall::lb {

RetryBudget::RetryBudget(const RetryBudgetOptions& options) noexcept
    : options_(options), requests_(options.window_us), retries_(options.window_us) {}

std::uint64_t RetryBudget::allowance(std::uint64_t now_us) const noexcept {
    const std::uint64_t share = requests_.total(now_us) * options_.percent / 100;
    // The floor uses the counter's own window (a multiple of its bucket width), so that
    // it matches what total() actually covers.
    const std::uint64_t floor =
        std::uint64_t{options_.min_per_second} * requests_.window_us() / 1'000'000;
    return share + floor;
}

}  // namespace ringwall::lb
