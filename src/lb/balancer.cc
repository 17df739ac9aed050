// src/lb/balancer.cc: one balancer of any policy, as the proxy holds it per upstream.
#include "lb/balancer.h"

namespace ringwall::lb {
namespace {

// The enum order and the variant order must agree, or policy() lies.
template <Policy P>
using Alternative = std::variant_alternative_t<static_cast<std::size_t>(P), Balancer::Variant>;
static_assert(std::is_same_v<Alternative<Policy::round_robin>, RoundRobin>);
static_assert(std::is_same_v<Alternative<Policy::weighted_round_robin>, SmoothWeightedRoundRobin>);
static_assert(std::is_same_v<Alternative<Policy::least_connections>, LeastConnections>);
static_assert(std::is_same_v<Alternative<Policy::p2c_ewma>, PowerOfTwoChoices>);
static_assert(std::is_same_v<Alternative<Policy::consistent_hash>, ConsistentHash>);

Balancer::Variant make(Policy policy, std::span<const BackendInfo> backends,
                       const BalancerOptions& options) {
    switch (policy) {
        case Policy::round_robin:
            return RoundRobin(backends);
        case Policy::weighted_round_robin:
            return SmoothWeightedRoundRobin(backends);
        case Policy::least_connections:
            return LeastConnections(backends);
        case Policy::p2c_ewma:
            return PowerOfTwoChoices(backends, options.p2c);
        case Policy::consistent_hash:
            return ConsistentHash(backends, options.table_size);
    }
    return RoundRobin(backends);  // unreachable for a valid enumerator
}

}  // namespace

Balancer::Balancer(Policy policy, std::span<const BackendInfo> backends,
                   const BalancerOptions& options)
    : impl_(make(policy, backends, options)) {}

std::optional<BackendIndex> Balancer::pick(const PickRequest& request,
                                           Availability available) noexcept {
    return std::visit(
        [&](auto& impl) -> std::optional<BackendIndex> {
            using Impl = std::remove_cvref_t<decltype(impl)>;
            if constexpr (std::is_same_v<Impl, PowerOfTwoChoices>) {
                return impl.pick(request.now_us, available);
            } else if constexpr (std::is_same_v<Impl, ConsistentHash>) {
                return impl.pick(request.hash, available);
            } else {
                return impl.pick(available);
            }
        },
        impl_);
}

void Balancer::on_start(BackendIndex i) noexcept {
    std::visit(
        [&](auto& impl) {
            if constexpr (requires { impl.on_start(i); }) {
                impl.on_start(i);
            }
        },
        impl_);
}

void Balancer::on_finish(BackendIndex i, const Outcome& outcome) noexcept {
    std::visit(
        [&](auto& impl) {
            if constexpr (requires { impl.on_finish(i, outcome); }) {
                impl.on_finish(i, outcome);
            }
        },
        impl_);
}

}  // namespace ringwall::lb
