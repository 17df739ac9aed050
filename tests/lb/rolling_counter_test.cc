// Tests for RollingCounter: events within the window count, older ones drop out.
#include "lb/rolling_counter.h"

#include <gtest/gtest.h>

namespace ringwall::lb {
namespace {

TEST(RollingCounter, CountsEventsWithinTheWindow) {
    RollingCounter counter(1'000);  // ten buckets of 100 us
    counter.add(0);
    counter.add(50, 2);
    counter.add(950);
    EXPECT_EQ(counter.total(999), 4u);
}

TEST(RollingCounter, DropsABucketOnceTheWindowHasPassedIt) {
    RollingCounter counter(1'000);
    counter.add(0, 5);
    counter.add(500, 3);
    EXPECT_EQ(counter.total(999), 8u);
    EXPECT_EQ(counter.total(1'000), 3u);  // the first bucket [0, 100) has left
    EXPECT_EQ(counter.total(1'600), 0u);
    counter.add(1'600);
    EXPECT_EQ(counter.total(1'600), 1u);  // reused slots start from zero
}

TEST(RollingCounter, TreatsAnEarlierTimeAsTheLatestSeen) {
    RollingCounter counter(1'000);
    counter.add(5'000, 2);
    counter.add(4'000);  // a clock must not go backwards; if it does, nothing is lost
    EXPECT_EQ(counter.total(4'000), 3u);
}

TEST(RollingCounter, ClearForgetsEverything) {
    RollingCounter counter(1'000);
    counter.add(10, 7);
    counter.clear();
    EXPECT_EQ(counter.total(10), 0u);
    EXPECT_EQ(counter.window_us(), 1'000u);
}

}  // namespace
}  // namespace ringwall::lb
