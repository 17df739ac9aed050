// src/lb/rolling_counter.cc: a count of events over a sliding time window, in fixed memory.
#include "lb/rolling_counter.h"

namespace ringwall::lb {

RollingCounter::RollingCounter(std::uint64_t window_us) noexcept
    : width_us_(window_us / bucket_count > 0 ? window_us / bucket_count : 1) {}

std::uint64_t RollingCounter::epoch_of(std::uint64_t now_us) const noexcept {
    const std::uint64_t epoch = now_us / width_us_;
    return epoch > latest_epoch_ ? epoch : latest_epoch_;
}

void RollingCounter::add(std::uint64_t now_us, std::uint64_t n) noexcept {
    const std::uint64_t epoch = epoch_of(now_us);
    latest_epoch_ = epoch;
    Bucket& bucket = buckets_[epoch % bucket_count];
    if (bucket.epoch != epoch) {
        bucket = Bucket{epoch, 0};
    }
    bucket.count += n;
}

std::uint64_t RollingCounter::total(std::uint64_t now_us) const noexcept {
    const std::uint64_t epoch = epoch_of(now_us);
    std::uint64_t sum = 0;
    for (const Bucket& bucket : buckets_) {
        if (bucket.epoch <= epoch && epoch - bucket.epoch < bucket_count) {
            sum += bucket.count;
        }
    }
    return sum;
}

void RollingCounter::clear() noexcept {
    buckets_ = {};
}

}  // namespace ringwall::lb
