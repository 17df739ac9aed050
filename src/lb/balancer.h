// src/lb/balancer.h: one balancer of any policy, as the proxy holds it per upstream.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <variant>

#include "lb/backend_set.h"
#include "lb/consistent_hash.h"
#include "lb/least_connections.h"
#include "lb/policy.h"
#include "lb/power_of_two_choices.h"
#include "lb/round_robin.h"
#include "lb/smooth_weighted_round_robin.h"

namespace ringwall::lb {

struct BalancerOptions {
    P2cOptions p2c;                                      // p2c_ewma only
    std::size_t table_size = MaglevTable::default_size;  // consistent_hash only
};

// What a pick may depend on. Fill both fields every time: a policy that has no use for
// one ignores it, and the proxy need not know which policy it holds.
struct PickRequest {
    std::uint64_t now_us = 0;  // the reactor's clock (p2c_ewma decays latency with it)
    std::uint64_t hash = 0;    // hash_key of the request's affinity key (consistent_hash);
                               // compute it only when needs_hash()
};

// A closed set of policies in a std::variant: no virtual call, no heap indirection beyond
// each policy's own vectors, and the dispatch is a switch the compiler can see through.
// One instance per upstream per worker: the state (round-robin position, in-flight counts,
// latency estimates) is the worker's own and needs no locking. The consistent_hash table,
// which is immutable, can be shared across workers by constructing from a ConsistentHash.
//
// Hook protocol for every policy: pick(), then on_start(i) when the request is sent to i,
// then on_finish(i, outcome) exactly once when it ends, whatever the result. Policies that
// do not need a hook ignore it, so the proxy can call all of them unconditionally.
class Balancer {
public:
    using Variant = std::variant<RoundRobin, SmoothWeightedRoundRobin, LeastConnections,
                                 PowerOfTwoChoices, ConsistentHash>;

    template <typename Impl>
    static constexpr bool is_policy =
        std::is_same_v<Impl, RoundRobin> || std::is_same_v<Impl, SmoothWeightedRoundRobin> ||
        std::is_same_v<Impl, LeastConnections> || std::is_same_v<Impl, PowerOfTwoChoices> ||
        std::is_same_v<Impl, ConsistentHash>;

    Balancer(Policy policy, std::span<const BackendInfo> backends,
             const BalancerOptions& options = {});

    // Wraps a policy built by hand, e.g. a ConsistentHash over a shared table.
    template <typename Impl, typename = std::enable_if_t<is_policy<std::remove_cvref_t<Impl>>>>
    explicit Balancer(Impl&& impl) : impl_(std::forward<Impl>(impl)) {}

    Policy policy() const noexcept { return static_cast<Policy>(impl_.index()); }
    bool needs_hash() const noexcept { return policy() == Policy::consistent_hash; }
    std::size_t size() const noexcept {
        return std::visit([](const auto& impl) { return impl.size(); }, impl_);
    }

    // A backend index below size(), available and not drained, or nullopt when none is.
    // Never allocates. Costs: see each policy's header.
    std::optional<BackendIndex> pick(const PickRequest& request,
                                     Availability available = {}) noexcept;

    void on_start(BackendIndex i) noexcept;
    void on_finish(BackendIndex i, const Outcome& outcome) noexcept;

    // The policy itself, for its own accessors (metrics, tests).
    template <typename Impl>
    const Impl* get_if() const noexcept {
        return std::get_if<Impl>(&impl_);
    }

private:
    Variant impl_;
};

}  // namespace ringwall::lb
