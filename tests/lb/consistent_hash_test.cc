// Tests for ConsistentHash over Maglev: spread, weights, disruption when the backend set
// changes, and the fallback when a backend is unavailable.
#include "lb/consistent_hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "lb/key_hash.h"
#include "lb/spread.h"

namespace ringwall::lb {
namespace {

using testing::backends_with_weights;
using testing::equal_backends;

constexpr std::size_t key_count = 100'000;

std::uint64_t key_hash(std::size_t k) {
    return hash_key("client-" + std::to_string(k));
}

// Where each of the test keys goes, by backend key (indices shift when the list changes).
std::vector<std::string> placements(const std::vector<BackendInfo>& backends,
                                    Availability available = {}) {
    const ConsistentHash ch(backends);
    std::vector<std::string> owners;
    owners.reserve(key_count);
    for (std::size_t k = 0; k < key_count; ++k) {
        owners.push_back(backends[*ch.pick(key_hash(k), available)].key);
    }
    return owners;
}

TEST(ConsistentHash, SameHashSameBackend) {
    const ConsistentHash ch(equal_backends(5));
    for (std::size_t k = 0; k < 1'000; ++k) {
        EXPECT_EQ(ch.pick(key_hash(k)), ch.pick(key_hash(k)));
    }
}

TEST(ConsistentHash, SpreadsKeysEvenly) {
    const ConsistentHash ch(equal_backends(5));
    std::vector<std::size_t> counts(5, 0);
    for (std::size_t k = 0; k < key_count; ++k) {
        ++counts[*ch.pick(key_hash(k))];
    }
    double worst = 0;
    for (const std::size_t c : counts) {
        worst = std::max(worst, std::abs(static_cast<double>(c) / (key_count / 5.0) - 1));
    }
    std::printf("[ figures  ] maglev keys over 5 backends: worst deviation %.2f%%\n", 100 * worst);
    EXPECT_LT(worst, 0.03);
}

TEST(ConsistentHash, HonoursWeights) {
    const std::vector<std::uint32_t> weights{1, 2, 3, 4};
    const ConsistentHash ch(backends_with_weights(weights));
    std::vector<std::size_t> slots(4, 0);
    for (const std::uint32_t owner : ch.table().slots()) {
        ++slots[owner];
    }
    std::vector<std::size_t> keys(4, 0);
    for (std::size_t k = 0; k < key_count; ++k) {
        ++keys[*ch.pick(key_hash(k))];
    }
    double worst_slots = 0;
    double worst_keys = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const double share = weights[i] / 10.0;
        const double slot_share = static_cast<double>(slots[i]) / ch.table().size();
        const double key_share = static_cast<double>(keys[i]) / key_count;
        worst_slots = std::max(worst_slots, std::abs(slot_share / share - 1));
        worst_keys = std::max(worst_keys, std::abs(key_share / share - 1));
    }
    std::printf(
        "[ figures  ] maglev weights 1:2:3:4: worst deviation %.3f%% of slots, "
        "%.2f%% of keys\n",
        100 * worst_slots, 100 * worst_keys);
    EXPECT_LT(worst_slots, 0.01);
    EXPECT_LT(worst_keys, 0.04);
}

TEST(ConsistentHash, RemovingOneOfNMovesAboutOneNthOfTheKeys) {
    for (const std::size_t n : {5u, 10u, 20u}) {
        std::vector<BackendInfo> before = equal_backends(n);
        std::vector<BackendInfo> after = before;
        after.erase(after.begin() + 2);
        const std::vector<std::string> old_owner = placements(before);
        const std::vector<std::string> new_owner = placements(after);
        std::size_t moved = 0;
        std::size_t others = 0;
        std::size_t others_moved = 0;
        for (std::size_t k = 0; k < key_count; ++k) {
            moved += old_owner[k] != new_owner[k];
            if (old_owner[k] != before[2].key) {
                ++others;
                others_moved += old_owner[k] != new_owner[k];
            }
        }
        const double moved_share = static_cast<double>(moved) / key_count;
        const double others_share = static_cast<double>(others_moved) / others;
        std::printf(
            "[ figures  ] maglev remove 1 of %zu: %.2f%% of keys moved (1/n = %.2f%%), "
            "%.2f%% of other backends' keys moved\n",
            n, 100 * moved_share, 100.0 / n, 100 * others_share);
        EXPECT_LT(moved_share, 1.5 / n);
        EXPECT_LT(others_share, 0.05);
    }
}

TEST(ConsistentHash, AddingABackendMovesAboutItsShare) {
    const std::vector<BackendInfo> before = equal_backends(9);
    const std::vector<BackendInfo> after = equal_backends(10);
    const std::vector<std::string> old_owner = placements(before);
    const std::vector<std::string> new_owner = placements(after);
    std::size_t moved = 0;
    std::size_t to_newcomer = 0;
    for (std::size_t k = 0; k < key_count; ++k) {
        moved += old_owner[k] != new_owner[k];
        to_newcomer += new_owner[k] == after[9].key;
    }
    const double moved_share = static_cast<double>(moved) / key_count;
    std::printf("[ figures  ] maglev add a 10th backend: %.2f%% of keys moved, %.2f%% to it\n",
                100 * moved_share, 100.0 * static_cast<double>(to_newcomer) / key_count);
    EXPECT_LT(moved_share, 1.5 / 10);
}

TEST(ConsistentHash, ReorderingTheBackendListMovesNoKey) {
    std::vector<BackendInfo> shuffled = equal_backends(8);
    const std::vector<std::string> before = placements(shuffled);
    std::reverse(shuffled.begin(), shuffled.end());
    std::rotate(shuffled.begin(), shuffled.begin() + 3, shuffled.end());
    EXPECT_EQ(placements(shuffled), before);
}

TEST(ConsistentHash, AnUnavailableBackendsKeysScatterAndNoOtherKeyMoves) {
    const std::vector<BackendInfo> backends = equal_backends(5);
    const std::array<bool, 5> flags{true, true, false, true, true};
    const std::vector<std::string> normal = placements(backends);
    const std::vector<std::string> degraded = placements(backends, flags);
    std::vector<std::size_t> inherited(5, 0);
    std::size_t orphans = 0;
    for (std::size_t k = 0; k < key_count; ++k) {
        if (normal[k] != backends[2].key) {
            ASSERT_EQ(degraded[k], normal[k]);  // keys of available backends stay put
            continue;
        }
        ++orphans;
        ASSERT_NE(degraded[k], backends[2].key);
        for (std::size_t i = 0; i < 5; ++i) {
            inherited[i] += degraded[k] == backends[i].key;
        }
    }
    std::printf("[ figures  ] maglev backend 2 of 5 unavailable: its keys went");
    for (const std::size_t i : {0u, 1u, 3u, 4u}) {
        std::printf(" %.1f%%", 100.0 * static_cast<double>(inherited[i]) / orphans);
    }
    std::printf(" to backends 0 1 3 4\n");
    for (const std::size_t i : {0u, 1u, 3u, 4u}) {
        EXPECT_NEAR(static_cast<double>(inherited[i]) / orphans, 0.25, 0.05);
    }
    EXPECT_EQ(placements(backends, flags), degraded);  // the fallback is deterministic
}

TEST(ConsistentHash, FindsTheLastAvailableBackendAndReportsNone) {
    const ConsistentHash ch(equal_backends(200));
    std::array<bool, 200> flags{};
    flags[137] = true;
    for (std::size_t k = 0; k < 1'000; ++k) {
        ASSERT_EQ(ch.pick(key_hash(k), flags), 137u);
    }
    flags[137] = false;
    EXPECT_EQ(ch.pick(key_hash(1), flags), std::nullopt);
}

TEST(ConsistentHash, DrainedBackendsGetNoKeys) {
    const ConsistentHash ch(backends_with_weights({1, 0, 1}));
    EXPECT_FALSE(ch.table().has_slots(1));
    for (std::size_t k = 0; k < 10'000; ++k) {
        ASSERT_NE(ch.pick(key_hash(k)), 1u);
    }
    const ConsistentHash none(backends_with_weights({0, 0}));
    EXPECT_TRUE(none.table().is_empty());
    EXPECT_EQ(none.pick(123), std::nullopt);
    const ConsistentHash empty(std::vector<BackendInfo>{});
    EXPECT_EQ(empty.pick(123), std::nullopt);
}

TEST(ConsistentHash, WorkersCanShareOneTable) {
    const std::vector<BackendInfo> backends = equal_backends(4);
    const auto table = std::make_shared<const MaglevTable>(backends);
    const ConsistentHash first(table);
    const ConsistentHash second(table);
    const ConsistentHash own(backends);
    EXPECT_EQ(&first.table(), &second.table());
    for (std::size_t k = 0; k < 1'000; ++k) {
        EXPECT_EQ(first.pick(key_hash(k)), own.pick(key_hash(k)));
    }
}

TEST(MaglevTable, EqualBackendsOwnEqualSharesToOneSlot) {
    const MaglevTable table(equal_backends(7));
    EXPECT_EQ(table.size(), MaglevTable::default_size);
    std::vector<std::size_t> counts(7, 0);
    for (const std::uint32_t owner : table.slots()) {
        ASSERT_LT(owner, 7u);
        ++counts[owner];
    }
    const auto [low, high] = std::minmax_element(counts.begin(), counts.end());
    EXPECT_LE(*high - *low, 1u);
}

TEST(MaglevTable, RoundsTheSizeUpToAPrime) {
    EXPECT_EQ(next_prime(0), 2u);
    EXPECT_EQ(next_prime(2), 2u);
    EXPECT_EQ(next_prime(100), 101u);
    EXPECT_EQ(next_prime(65536), 65537u);
    EXPECT_EQ(MaglevTable(equal_backends(3), 1000).size(), 1009u);
}

}  // namespace
}  // namespace ringwall::lb
