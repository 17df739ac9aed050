// src/lb/rolling_counter.h: a count of events over a sliding time window, in fixed memory.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ringwall::lb {

// Counts events over roughly the last `window_us`: the window is cut into bucket_count
// buckets, and a bucket is reused (cleared) when its time comes round again. total()
// therefore covers between (bucket_count - 1) / bucket_count of the window and all of it,
// which is plenty for rates and ratios, and costs 160 bytes however busy the upstream is.
//
// Time is a parameter; it should not go backwards (the reactor clock does not), and an
// earlier `now` than seen before is treated as the latest one seen.
class RollingCounter {
public:
    static constexpr std::size_t bucket_count = 10;

    explicit RollingCounter(std::uint64_t window_us) noexcept;

    void add(std::uint64_t now_us, std::uint64_t n = 1) noexcept;
    std::uint64_t total(std::uint64_t now_us) const noexcept;
    void clear() noexcept;

    std::uint64_t window_us() const noexcept { return width_us_ * bucket_count; }

private:
    struct Bucket {
        std::uint64_t epoch = 0;  // now / width_us_ when the bucket was last written
        std::uint64_t count = 0;
    };

    std::uint64_t epoch_of(std::uint64_t now_us) const noexcept;

    std::array<Bucket, bucket_count> buckets_{};
    std::uint64_t width_us_;
    std::uint64_t latest_epoch_ = 0;
};

}  // namespace ringwall::lb
