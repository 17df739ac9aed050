// tests/lb/spread.h: helpers that build backend lists and count where picks land.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb::testing {

// Backends "10.0.0.<i+1>:80" with the given weights.
inline std::vector<BackendInfo> backends_with_weights(const std::vector<std::uint32_t>& weights) {
    std::vector<BackendInfo> backends;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        backends.push_back(BackendInfo{weights[i], "10.0.0." + std::to_string(i + 1) + ":80"});
    }
    return backends;
}

inline std::vector<BackendInfo> equal_backends(std::size_t n) {
    return backends_with_weights(std::vector<std::uint32_t>(n, 1));
}

// Calls pick() `count` times and counts the results per backend; nullopt counts at [n].
template <typename Pick>
std::vector<std::size_t> count_picks(std::size_t n, std::size_t count, Pick&& pick) {
    std::vector<std::size_t> counts(n + 1, 0);
    for (std::size_t k = 0; k < count; ++k) {
        const std::optional<BackendIndex> i = pick();
        ++counts[i ? *i : n];
    }
    return counts;
}

}  // namespace ringwall::lb::testing
