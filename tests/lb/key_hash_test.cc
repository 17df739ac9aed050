// Tests for hash_key: stable values, seeds, and how well it mixes (what consistent hashing needs).
#include "lb/key_hash.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "lb/prng.h"

namespace ringwall::lb {
namespace {

TEST(KeyHash, IsStableAcrossBuildsAndHosts) {
    // Pinned: a change here remaps every consistent-hash key of a fleet mid-upgrade. If the
    // function must change, change these values in the same commit and say so in its message.
    EXPECT_EQ(hash_key(""), 4514267482342629522u);
    EXPECT_EQ(hash_key("10.0.0.1:80"), 3816731372064232573u);
    EXPECT_EQ(hash_key("a key longer than sixteen bytes, to cover the block loop"),
              16037719869138344781u);
}

TEST(KeyHash, SeedAndLengthChangeTheHash) {
    EXPECT_NE(hash_key("10.0.0.1:80", 1), hash_key("10.0.0.1:80", 2));
    EXPECT_NE(hash_key(std::string_view("a", 1)), hash_key(std::string_view("a\0", 2)));
    EXPECT_NE(hash_key(""), hash_key(std::string_view("\0", 1)));
    EXPECT_NE(hash_key(std::string(16, '\0')), hash_key(std::string(32, '\0')));
}

TEST(KeyHash, SimilarKeysDoNotCollide) {
    std::set<std::uint64_t> seen;
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            seen.insert(hash_key("10.1." + std::to_string(a) + "." + std::to_string(b)));
        }
    }
    EXPECT_EQ(seen.size(), 256u * 256u);
}

TEST(KeyHash, EveryInputBitFlipsHalfTheOutputBits) {
    // Strict avalanche: flipping one input bit flips each output bit with probability 1/2.
    Prng rng(7);
    constexpr int keys = 200;
    for (const std::size_t length : {3u, 8u, 15u, 16u, 24u, 40u}) {
        std::vector<int> flips(64, 0);
        int trials = 0;
        for (int k = 0; k < keys; ++k) {
            std::string key(length, '\0');
            for (char& c : key) {
                c = static_cast<char>(rng.next());
            }
            const std::uint64_t base = hash_key(key);
            for (std::size_t bit = 0; bit < 8 * length; ++bit) {
                std::string flipped = key;
                flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
                const std::uint64_t diff = base ^ hash_key(flipped);
                for (int out = 0; out < 64; ++out) {
                    flips[out] += static_cast<int>((diff >> out) & 1);
                }
                ++trials;
            }
        }
        for (int out = 0; out < 64; ++out) {
            const double p = static_cast<double>(flips[out]) / trials;
            EXPECT_NEAR(p, 0.5, 0.05) << "length " << length << ", output bit " << out;
        }
    }
}

TEST(KeyHash, SequentialKeysFillBucketsEvenly) {
    constexpr std::size_t buckets = 97;
    constexpr std::size_t keys = 97'000;
    std::vector<std::size_t> counts(buckets, 0);
    for (std::size_t k = 0; k < keys; ++k) {
        ++counts[hash_key("session-" + std::to_string(k)) % buckets];
    }
    for (const std::size_t c : counts) {
        EXPECT_NEAR(static_cast<double>(c), 1000.0, 130.0);  // about 4 standard deviations
    }
}

}  // namespace
}  // namespace ringwall::lb
