// Tests for the per-reactor timer wheel: ordering, re-arming, long delays, stalls.
#include "io/timer_wheel.h"

#include <gtest/gtest.h>

#include <vector>

namespace ringwall::io {
namespace {

struct RecordingTimer final : Timer {
    std::vector<int>* log = nullptr;
    int id = 0;
    void on_expire() noexcept override { log->push_back(id); }
};

TEST(TimerWheel, FiresOnlyAfterTheDeadline) {
    std::vector<int> fired;
    TimerWheel wheel(1000);
    RecordingTimer timer;
    timer.log = &fired;
    timer.id = 1;
    wheel.arm(timer, 1000, 100);
    wheel.advance(1050);
    EXPECT_TRUE(fired.empty());
    EXPECT_TRUE(timer.is_armed());
    wheel.advance(1100 + TimerWheel::tick_ms);
    EXPECT_EQ(fired, std::vector<int>{1});
    EXPECT_FALSE(timer.is_armed());
    EXPECT_EQ(wheel.armed_count(), 0u);
}

TEST(TimerWheel, RearmingMovesTheDeadline) {
    std::vector<int> fired;
    TimerWheel wheel(0);
    RecordingTimer timer;
    timer.log = &fired;
    wheel.arm(timer, 0, 50);
    wheel.arm(timer, 40, 100);  // pushed forward, as a connection does on each request
    wheel.advance(80);
    EXPECT_TRUE(fired.empty());
    wheel.advance(200);
    EXPECT_EQ(fired.size(), 1u);
}

TEST(TimerWheel, DelaysLongerThanOneTurnWaitForTheirTurn) {
    std::vector<int> fired;
    TimerWheel wheel(0);
    RecordingTimer timer;
    timer.log = &fired;
    const std::uint64_t turn = TimerWheel::tick_ms * TimerWheel::slot_count;
    wheel.arm(timer, 0, 3 * turn);
    for (std::uint64_t now = 0; now < 3 * turn; now += TimerWheel::tick_ms) {
        wheel.advance(now);
    }
    EXPECT_TRUE(fired.empty());
    wheel.advance(3 * turn + TimerWheel::tick_ms);
    EXPECT_EQ(fired.size(), 1u);
}

TEST(TimerWheel, AStallFiresEverythingDue) {
    std::vector<int> fired;
    TimerWheel wheel(0);
    std::vector<RecordingTimer> timers(50);
    for (int i = 0; i < 50; ++i) {
        timers[i].log = &fired;
        timers[i].id = i;
        wheel.arm(timers[i], 0, static_cast<std::uint64_t>(i) * 300);
    }
    wheel.advance(100'000);  // far beyond one turn at once
    EXPECT_EQ(fired.size(), 50u);
    EXPECT_EQ(wheel.armed_count(), 0u);
}

TEST(TimerWheel, DestroyingAnArmedTimerDisarmsIt) {
    std::vector<int> fired;
    TimerWheel wheel(0);
    {
        RecordingTimer timer;
        timer.log = &fired;
        wheel.arm(timer, 0, 10);
        EXPECT_EQ(wheel.armed_count(), 1u);
    }
    EXPECT_EQ(wheel.armed_count(), 0u);
    wheel.advance(1000);
    EXPECT_TRUE(fired.empty());
}

struct RearmingTimer final : Timer {
    TimerWheel* wheel = nullptr;
    int remaining = 3;
    int fired = 0;
    std::uint64_t now = 0;
    void on_expire() noexcept override {
        ++fired;
        if (--remaining > 0) {
            wheel->arm(*this, now, 10);
        }
    }
};

TEST(TimerWheel, ATimerMayRearmItselfFromItsCallback) {
    TimerWheel wheel(0);
    RearmingTimer timer;
    timer.wheel = &wheel;
    wheel.arm(timer, 0, 10);
    for (std::uint64_t now = 0; now <= 200; now += TimerWheel::tick_ms) {
        timer.now = now;
        wheel.advance(now);
    }
    EXPECT_EQ(timer.fired, 3);
    EXPECT_FALSE(timer.is_armed());
}

}  // namespace
}  // namespace ringwall::io
