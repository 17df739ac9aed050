// src/lb/circuit_breaker.h: stop sending to an upstream that keeps failing, then probe it.
#pragma once

#include <cstdint>

#include "lb/rolling_counter.h"

namespace ringwall::lb {

struct CircuitBreakerOptions {
    // Consecutive failures that open the breaker; 0 turns this trigger off.
    std::uint32_t failure_threshold = 5;
    // Failures / requests over the window that open the breaker, judged only once the
    // window holds min_requests; 0 turns this trigger off.
    double failure_ratio = 0.0;
    std::uint32_t min_requests = 20;
    std::uint64_t window_us = 10'000'000;
    // How long the breaker stays open before letting probes through.
    std::uint64_t open_us = 10'000'000;
    // Probe requests let through per half-open period; all must succeed to close.
    std::uint32_t half_open_requests = 1;
};

enum class BreakerState : std::uint8_t { closed, open, half_open };

// Per upstream, per worker:
//
//   closed --failure_threshold consecutive failures, or failure_ratio over the window-->
//   open --open_us later, at the next allow()--> half_open: half_open_requests probes pass,
//   the rest are refused --every probe succeeded--> closed (counts reset)
//                      --any probe failed--> open again, for another open_us.
//
// If the probes never report (cancelled and forgotten), another batch is let through
// open_us after the last, so a lost outcome cannot keep the breaker half-open for ever.
// Outcomes that arrive while open are of requests sent before it opened: ignored.
//
// Requests are counted when allow() says yes and failures when on_failure() is called, so
// on_success() needs no time. Pure state: the caller passes the time.
class CircuitBreaker {
public:
    explicit CircuitBreaker(const CircuitBreakerOptions& options = {}) noexcept;

    // May a request go to the upstream now? A true in half_open spends one probe.
    bool allow(std::uint64_t now_us) noexcept;
    void on_success() noexcept;
    // Returns true when this failure opened the breaker (worth a log line).
    bool on_failure(std::uint64_t now_us) noexcept;

    // The state allow() would act on at now_us (open turns half_open once open_us passed).
    BreakerState state(std::uint64_t now_us) const noexcept;

private:
    void open(std::uint64_t now_us) noexcept;
    void close() noexcept;

    CircuitBreakerOptions options_;
    BreakerState state_ = BreakerState::closed;
    std::uint64_t since_us_ = 0;  // when the state (or the probe batch) began
    std::uint32_t consecutive_failures_ = 0;
    std::uint32_t probes_sent_ = 0;  // in the current half-open batch
    std::uint32_t probes_succeeded_ = 0;
    RollingCounter requests_;
    RollingCounter failures_;
};

}  // namespace ringwall::lb
