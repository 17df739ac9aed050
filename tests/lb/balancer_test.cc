// Tests for Balancer, the policy-agnostic wrapper: every policy skips unavailable backends,
// reports none when none is available, and picks without allocating.
#include "lb/balancer.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "lb/allocation_counter.h"
#include "lb/key_hash.h"
#include "lb/passive_health.h"
#include "lb/spread.h"

namespace ringwall::lb {
namespace {

constexpr std::array<Policy, 5> every_policy{Policy::round_robin, Policy::weighted_round_robin,
                                             Policy::least_connections, Policy::p2c_ewma,
                                             Policy::consistent_hash};

TEST(Policy, NamesRoundTrip) {
    for (const Policy policy : every_policy) {
        EXPECT_EQ(parse_policy(to_string(policy)), policy);
    }
    EXPECT_EQ(parse_policy("p2c_ewma"), Policy::p2c_ewma);
    EXPECT_EQ(parse_policy("random"), std::nullopt);
    EXPECT_EQ(parse_policy("Round_Robin"), std::nullopt);  // configuration words are exact
}

TEST(Balancer, HoldsThePolicyItWasBuiltFor) {
    const std::vector<BackendInfo> backends = testing::equal_backends(3);
    for (const Policy policy : every_policy) {
        const Balancer balancer(policy, backends);
        EXPECT_EQ(balancer.policy(), policy);
        EXPECT_EQ(balancer.size(), 3u);
        EXPECT_EQ(balancer.needs_hash(), policy == Policy::consistent_hash);
    }
    const Balancer wrapped(ConsistentHash(std::make_shared<const MaglevTable>(backends)));
    EXPECT_EQ(wrapped.policy(), Policy::consistent_hash);
    ASSERT_NE(wrapped.get_if<ConsistentHash>(), nullptr);
    EXPECT_EQ(wrapped.get_if<RoundRobin>(), nullptr);
}

// Drives a balancer the way the proxy does: pick, start, finish.
std::optional<BackendIndex> exchange(Balancer& balancer, std::uint64_t k, Availability available) {
    const PickRequest request{.now_us = k * 100, .hash = hash_key("client-" + std::to_string(k))};
    const std::optional<BackendIndex> i = balancer.pick(request, available);
    if (i) {
        balancer.on_start(*i);
        balancer.on_finish(*i, Outcome{.latency_us = 500, .now_us = k * 100 + 500});
    }
    return i;
}

TEST(Balancer, EveryPolicySkipsUnavailableBackends) {
    const std::vector<BackendInfo> backends = testing::equal_backends(5);
    const std::array<bool, 5> flags{true, false, true, false, true};
    for (const Policy policy : every_policy) {
        Balancer balancer(policy, backends);
        std::vector<std::size_t> counts(5, 0);
        for (std::uint64_t k = 0; k < 3'000; ++k) {
            const std::optional<BackendIndex> i = exchange(balancer, k, flags);
            ASSERT_TRUE(i) << to_string(policy);
            ++counts[*i];
        }
        EXPECT_EQ(counts[1] + counts[3], 0u) << to_string(policy);
        for (const std::size_t i : {0u, 2u, 4u}) {
            EXPECT_GT(counts[i], 300u) << to_string(policy) << " backend " << i;
        }
    }
}

TEST(Balancer, EveryPolicyHonoursACallableView) {
    const std::vector<BackendInfo> backends = testing::equal_backends(4);
    PassiveHealth health(4, PassiveHealthOptions{.max_failures = 1});
    health.record_failure(2, 0);
    for (const Policy policy : every_policy) {
        Balancer balancer(policy, backends);
        for (std::uint64_t k = 0; k < 1'000; ++k) {
            ASSERT_NE(exchange(balancer, k, health.available_at(1'000)), 2u) << to_string(policy);
        }
    }
}

TEST(Balancer, EveryPolicyReportsNoneWhenNoneIsAvailable) {
    const std::vector<BackendInfo> backends = testing::backends_with_weights({1, 0, 1});
    const std::array<bool, 3> only_drained{false, true, false};
    for (const Policy policy : every_policy) {
        Balancer balancer(policy, backends);
        EXPECT_EQ(exchange(balancer, 1, only_drained), std::nullopt) << to_string(policy);
        Balancer empty(policy, std::vector<BackendInfo>{});
        EXPECT_EQ(exchange(empty, 1, {}), std::nullopt) << to_string(policy);
    }
}

TEST(Balancer, EveryPolicyPicksWithoutAllocating) {
    const std::vector<BackendInfo> backends = testing::backends_with_weights({1, 2, 3, 4, 5});
    const std::array<bool, 5> flags{true, true, false, true, true};
    const auto odd_only = [](std::size_t i) { return i % 2 == 1; };
    for (const Policy policy : every_policy) {
        Balancer balancer(policy, backends);
        const std::size_t before = testing::allocation_count();
        for (std::uint64_t k = 0; k < 10'000; ++k) {
            const PickRequest request{.now_us = k * 100, .hash = k * 0x9e3779b97f4a7c15ULL};
            const std::optional<BackendIndex> a = balancer.pick(request);
            const std::optional<BackendIndex> b = balancer.pick(request, flags);
            const std::optional<BackendIndex> c = balancer.pick(request, odd_only);
            for (const std::optional<BackendIndex>& i : {a, b, c}) {
                balancer.on_start(*i);
                balancer.on_finish(
                    *i, Outcome{.latency_us = 700, .now_us = k * 100 + 700, .ok = k % 10 != 0});
            }
        }
        EXPECT_EQ(testing::allocation_count(), before) << to_string(policy);
    }
}

}  // namespace
}  // namespace ringwall::lb
