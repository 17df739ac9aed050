// src/lb/prng.h: a small seeded random generator for randomized balancers.
#pragma once

#include <cstdint>

#include "lb/key_hash.h"

namespace ringwall::lb {

// SplitMix64: a Weyl sequence passed through mix64. One add and three multiplies per draw,
// 8 bytes of state, and a given seed always replays the same sequence, which is what lets
// tests of randomized balancers assert exact outcomes. Not for anything secret.
class Prng {
public:
    explicit constexpr Prng(std::uint64_t seed) noexcept : state_(seed) {}

    constexpr std::uint64_t next() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio: visits every state once
        return mix64(state_);
    }

    // Uniform in [0, bound) for bound > 0, by the high half of a 64x64 multiply (Lemire
    // 2019, without the rejection step): the bias is below bound / 2^64, far under what
    // any balancing test could see, and it costs no division.
    constexpr std::uint64_t below(std::uint64_t bound) noexcept {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
    }

private:
    std::uint64_t state_;
};

}  // namespace ringwall::lb
