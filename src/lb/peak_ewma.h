// src/lb/peak_ewma.h: a latency estimate that jumps up at once and decays with time.
#pragma once

#include <cstdint>

namespace ringwall::lb {

// Peak-EWMA (Finagle, Linkerd): an observation above the estimate replaces it, so a backend
// that turns slow is avoided from its first slow response; observations below it pull it
// down by an exponential moving average whose weight depends on the time since the last
// observation, not on how many there were. Between observations the estimate decays
// towards 0 with the same half-life, so a backend that stopped getting traffic because it
// looked slow looks cheaper as time passes and is eventually tried again.
//
// Time is a parameter (microseconds on the caller's monotonic clock); nothing here reads a
// clock. A `now` earlier than the last observation counts as no time passing.
class PeakEwma {
public:
    // `initial_us` is what estimate() says until the first observation, without decay:
    // a prior, not data.
    explicit PeakEwma(double initial_us = 0) noexcept : value_(initial_us) {}

    // The estimate at `now_us`, decayed since the last observation.
    double estimate(std::uint64_t now_us, double half_life_us) const noexcept;

    void observe(double latency_us, std::uint64_t now_us, double half_life_us) noexcept;

    bool has_observation() const noexcept { return observed_; }

private:
    double value_;                // at stamp_us_
    std::uint64_t stamp_us_ = 0;  // time of the last observation
    bool observed_ = false;
};

}  // namespace ringwall::lb
