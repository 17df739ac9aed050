// src/lb/peak_ewma.cc: a latency estimate that jumps up at once and decays with time.
#include "lb/peak_ewma.h"

#include <cmath>

namespace ringwall::lb {
namespace {

// The share of the old value left after `elapsed` microseconds: 1/2 per half-life.
double retained(std::uint64_t stamp_us, std::uint64_t now_us, double half_life_us) noexcept {
    if (now_us <= stamp_us) {
        return 1.0;
    }
    const double elapsed = static_cast<double>(now_us - stamp_us);
    return std::exp2(-elapsed / (half_life_us > 1.0 ? half_life_us : 1.0));
}

}  // namespace

double PeakEwma::estimate(std::uint64_t now_us, double half_life_us) const noexcept {
    if (!observed_) {
        return value_;
    }
    return value_ * retained(stamp_us_, now_us, half_life_us);
}

void PeakEwma::observe(double latency_us, std::uint64_t now_us, double half_life_us) noexcept {
    if (!observed_) {
        value_ = latency_us;
        stamp_us_ = now_us;
        observed_ = true;
        return;
    }
    const double keep = retained(stamp_us_, now_us, half_life_us);
    const double decayed = value_ * keep;
    value_ = latency_us > decayed ? latency_us : decayed + latency_us * (1.0 - keep);
    if (now_us > stamp_us_) {
        stamp_us_ = now_us;
    }
}

}  // namespace ringwall::lb
