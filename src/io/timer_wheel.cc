// src/io/timer_wheel.cc: arming, disarming and expiry of intrusive timers.
#include "io/timer_wheel.h"

namespace ringwall::io {

void Timer::disarm() noexcept {
    if (wheel_ != nullptr) {
        wheel_->unlink(*this);
    }
}

void TimerWheel::unlink(Timer& timer) noexcept {
    if (timer.prev_ != nullptr) {
        timer.prev_->next_ = timer.next_;
    } else {
        slots_[timer.deadline_tick_ % slot_count] = timer.next_;
    }
    if (timer.next_ != nullptr) {
        timer.next_->prev_ = timer.prev_;
    }
    timer.prev_ = timer.next_ = nullptr;
    timer.wheel_ = nullptr;
    --armed_;
}

void TimerWheel::arm(Timer& timer, std::uint64_t now_ms, std::uint64_t delay_ms) noexcept {
    timer.disarm();
    std::uint64_t tick = (now_ms + delay_ms + tick_ms - 1) / tick_ms;
    if (tick <= current_tick_) {
        tick = current_tick_ + 1;  // never into a slot that was already swept
    }
    timer.deadline_tick_ = tick;
    timer.wheel_ = this;
    Timer*& head = slots_[tick % slot_count];
    timer.prev_ = nullptr;
    timer.next_ = head;
    if (head != nullptr) {
        head->prev_ = &timer;
    }
    head = &timer;
    ++armed_;
}

void TimerWheel::advance(std::uint64_t now_ms) noexcept {
    const std::uint64_t target = now_ms / tick_ms;
    if (target <= current_tick_) {
        return;
    }
    // After a long stall, one sweep of every slot is enough: each slot holds all the
    // ticks congruent to it.
    const std::uint64_t first = target - current_tick_ > slot_count ? target - slot_count + 1
                                                                    : current_tick_ + 1;
    current_tick_ = target;
    for (std::uint64_t tick = first; tick <= target; ++tick) {
        Timer* timer = slots_[tick % slot_count];
        while (timer != nullptr) {
            Timer* next = timer->next_;
            if (timer->deadline_tick_ <= target) {
                unlink(*timer);
                // on_expire may arm or disarm other timers, including `next`; restart the
                // slot from its head so a stale `next` is never followed.
                timer->on_expire();
                next = slots_[tick % slot_count];
            }
            timer = next;
            // Skip over the timers of later turns without rescanning them forever.
            while (timer != nullptr && timer->deadline_tick_ > target) {
                timer = timer->next_;
            }
        }
    }
}

std::uint64_t TimerWheel::ms_until_next_tick(std::uint64_t now_ms) const noexcept {
    return tick_ms - now_ms % tick_ms;
}

}  // namespace ringwall::io
