// src/io/timer_wheel.h: one hashed timing wheel per reactor for every deadline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ringwall::io {

class TimerWheel;

// An intrusive timer: embed it in the object that owns the deadline. Re-arming and
// disarming are O(1) list operations, so a connection can push its idle deadline forward
// on every request without allocating. Destroying an armed timer disarms it.
class Timer {
public:
    Timer() noexcept = default;
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    ~Timer() { disarm(); }

    bool is_armed() const noexcept { return wheel_ != nullptr; }
    void disarm() noexcept;

protected:
    // Runs on the reactor thread when the deadline passes; the timer is already disarmed.
    virtual void on_expire() noexcept = 0;

private:
    friend class TimerWheel;
    TimerWheel* wheel_ = nullptr;
    Timer* prev_ = nullptr;
    Timer* next_ = nullptr;
    std::uint64_t deadline_tick_ = 0;
};

class TimerWheel {
public:
    static constexpr std::uint64_t tick_ms = 8;
    static constexpr std::size_t slot_count = 1024;  // one turn covers ~8 s; later
                                                     // deadlines wait for more turns

    explicit TimerWheel(std::uint64_t now_ms) noexcept : current_tick_(now_ms / tick_ms) {}

    // Fires `timer` once `now_ms + delay_ms` has passed (rounded up to the next tick).
    void arm(Timer& timer, std::uint64_t now_ms, std::uint64_t delay_ms) noexcept;

    // Fires every timer whose deadline is at or before now_ms.
    void advance(std::uint64_t now_ms) noexcept;

    std::size_t armed_count() const noexcept { return armed_; }
    // Milliseconds until the next tick boundary: how long the reactor may sleep.
    std::uint64_t ms_until_next_tick(std::uint64_t now_ms) const noexcept;

private:
    friend class Timer;
    void unlink(Timer& timer) noexcept;

    std::array<Timer*, slot_count> slots_{};
    std::uint64_t current_tick_;
    std::size_t armed_ = 0;
};

}  // namespace ringwall::io
