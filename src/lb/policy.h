// src/lb/policy.h: the names of the load-balancing policies an upstream can use.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringwall::lb {

// The order is the order of Balancer's alternatives.
enum class Policy : std::uint8_t {
    round_robin,
    weighted_round_robin,
    least_connections,
    p2c_ewma,
    consistent_hash,
};

// "round_robin", "weighted_round_robin", "least_connections", "p2c_ewma", "consistent_hash":
// the enumerator names, which are also the configuration words.
std::string_view to_string(Policy policy) noexcept;
std::optional<Policy> parse_policy(std::string_view text) noexcept;

}  // namespace ringwall::lb
