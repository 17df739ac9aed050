// src/lb/circuit_breaker.cc: stop sending to an upstream that keeps failing, then probe it.
#include "lb/circuit_breaker.h"

namespace ringwall::lb {

CircuitBreaker::CircuitBreaker(const CircuitBreakerOptions& options) noexcept
    : options_(options), requests_(options.window_us), failures_(options.window_us) {
    if (options_.half_open_requests == 0) {
        options_.half_open_requests = 1;  // 0 probes would leave the breaker open for ever
    }
}

BreakerState CircuitBreaker::state(std::uint64_t now_us) const noexcept {
    if (state_ == BreakerState::open && now_us >= since_us_ &&
        now_us - since_us_ >= options_.open_us) {
        return BreakerState::half_open;
    }
    return state_;
}

bool CircuitBreaker::allow(std::uint64_t now_us) noexcept {
    switch (state(now_us)) {
        case BreakerState::closed:
            requests_.add(now_us);
            return true;
        case BreakerState::open:
            return false;
        case BreakerState::half_open:
            break;
    }
    if (state_ == BreakerState::open) {
        state_ = BreakerState::half_open;
        since_us_ = now_us;
        probes_sent_ = 0;
        probes_succeeded_ = 0;
    }
    if (probes_sent_ >= options_.half_open_requests) {
        if (now_us < since_us_ || now_us - since_us_ < options_.open_us) {
            return false;
        }
        since_us_ = now_us;  // the last batch never reported back: send another
        probes_sent_ = 0;
        probes_succeeded_ = 0;
    }
    ++probes_sent_;
    return true;
}

void CircuitBreaker::on_success() noexcept {
    switch (state_) {
        case BreakerState::closed:
            consecutive_failures_ = 0;
            break;
        case BreakerState::half_open:
            if (++probes_succeeded_ >= options_.half_open_requests) {
                close();
            }
            break;
        case BreakerState::open:
            break;
    }
}

bool CircuitBreaker::on_failure(std::uint64_t now_us) noexcept {
    switch (state_) {
        case BreakerState::open:
            return false;
        case BreakerState::half_open:
            open(now_us);
            return true;
        case BreakerState::closed:
            break;
    }
    ++consecutive_failures_;
    failures_.add(now_us);
    if (options_.failure_threshold > 0 && consecutive_failures_ >= options_.failure_threshold) {
        open(now_us);
        return true;
    }
    if (options_.failure_ratio > 0.0) {
        const std::uint64_t requests = requests_.total(now_us);
        const std::uint64_t failures = failures_.total(now_us);
        if (requests >= options_.min_requests && requests > 0 &&
            static_cast<double>(failures) >=
                options_.failure_ratio * static_cast<double>(requests)) {
            open(now_us);
            return true;
        }
    }
    return false;
}

void CircuitBreaker::open(std::uint64_t now_us) noexcept {
    state_ = BreakerState::open;
    since_us_ = now_us;
}

void CircuitBreaker::close() noexcept {
    state_ = BreakerState::closed;
    consecutive_failures_ = 0;
    probes_sent_ = 0;
    probes_succeeded_ = 0;
    // The failures that opened the breaker must not count against the upstream that just
    // proved itself again, or the ratio would reopen it at once.
    requests_.clear();
    failures_.clear();
}

}  // namespace ringwall::lb
