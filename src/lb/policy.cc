// src/lb/policy.cc: the names of the load-balancing policies an upstream can use.
#include "lb/policy.h"

#include <array>
#include <utility>

namespace ringwall::lb {
namespace {

constexpr std::array<std::pair<Policy, std::string_view>, 5> names{{
    {Policy::round_robin, "round_robin"},
    {Policy::weighted_round_robin, "weighted_round_robin"},
    {Policy::least_connections, "least_connections"},
    {Policy::p2c_ewma, "p2c_ewma"},
    {Policy::consistent_hash, "consistent_hash"},
}};

}  // namespace

std::string_view to_string(Policy policy) noexcept {
    for (const auto& [value, name] : names) {
        if (value == policy) {
            return name;
        }
    }
    return "unknown";
}

std::optional<Policy> parse_policy(std::string_view text) noexcept {
    for (const auto& [value, name] : names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace ringwall::lb
