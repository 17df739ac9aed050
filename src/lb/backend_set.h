// src/lb/backend_set.h: how a balancer is told about backends and which of them it may pick.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>

namespace ringwall::lb {

// Position of a backend in the list a balancer was constructed with. Balancers never
// reorder or copy the list, so the proxy can index its own per-backend state (connection
// pools, health) with the same number.
using BackendIndex = std::size_t;

struct BackendInfo {
    // Relative share of traffic. 0 means drained: no balancer ever picks the backend, and
    // consistent hashing gives it no keys. Weight-blind policies (round_robin) only look
    // at whether it is 0.
    std::uint32_t weight = 1;
    // Stable identity, e.g. "10.0.0.1:80". Consistent hashing derives the backend's place in
    // the lookup table from it, so keys stay with a backend across reloads and reorderings.
    std::string key;
};

// What the proxy reports when a request to a backend ends (on_finish hooks).
struct Outcome {
    std::uint64_t latency_us = 0;  // request sent -> response head (or failure) seen
    std::uint64_t now_us = 0;      // the reactor's clock when the outcome was seen
    bool ok = true;                // false: connect error, reset, timeout, 5xx counted as failure
};

class Availability;

// A contiguous array of bool, such as std::array<bool, N> or std::span<const bool>.
template <typename Range>
concept AvailabilityFlags =
    std::ranges::contiguous_range<const Range&> && std::ranges::sized_range<const Range&> &&
    std::is_same_v<bool, std::ranges::range_value_t<const Range&>>;

// Anything callable as bool(std::size_t) that is neither a range nor an Availability.
template <typename Fn>
concept AvailabilityPredicate =
    !std::is_same_v<std::remove_cvref_t<Fn>, Availability> && !std::ranges::range<Fn> &&
    std::is_invocable_r_v<bool, const Fn&, std::size_t>;

// A non-owning view answering "may backend i be picked now?", like std::string_view for
// availability. It borrows what it was made from, so make it in the call to pick():
//
//     rr.pick(flags);                                              // a bool array or span
//     rr.pick([&](std::size_t i) { return health.is_available(i, now); });
//
// Cheap to copy (three words) and never allocates; a callable costs one indirect call per
// backend examined.
class Availability {
public:
    // Every backend is available.
    constexpr Availability() noexcept = default;

    // Backend i is available when flags[i]; indices past the end are unavailable, so a
    // short list fails safe. std::vector<bool> is not contiguous: use std::vector<char>
    // through the callable form, or a std::unique_ptr<bool[]> / std::array<bool, N>.
    template <AvailabilityFlags Range>
    constexpr Availability(const Range& flags) noexcept  // NOLINT: implicit by design
        : target_(std::ranges::data(flags)), size_(std::ranges::size(flags)) {}

    // Backend i is available when is_available(i). The callable is borrowed.
    template <AvailabilityPredicate Fn>
    constexpr Availability(const Fn& is_available) noexcept  // NOLINT: implicit by design
        : target_(&is_available), call_(&invoke<Fn>) {}

    bool operator()(BackendIndex i) const noexcept {
        if (call_ != nullptr) {
            return call_(target_, i);
        }
        if (target_ != nullptr) {
            return i < size_ && static_cast<const bool*>(target_)[i];
        }
        return size_ == everything;
    }

    // True when no backend is excluded, which lets balancers skip their fallback scans.
    bool is_everything() const noexcept {
        return call_ == nullptr && target_ == nullptr && size_ == everything;
    }

private:
    static constexpr std::size_t everything = ~std::size_t{0};

    template <typename Fn>
    static bool invoke(const void* fn, std::size_t i) noexcept {
        return static_cast<bool>((*static_cast<const Fn*>(fn))(i));
    }

    const void* target_ = nullptr;  // the flags, or the callable
    std::size_t size_ = everything;
    bool (*call_)(const void*, std::size_t) noexcept = nullptr;
};

}  // namespace ringwall::lb
