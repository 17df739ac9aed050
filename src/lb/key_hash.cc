// src/lb/key_hash.cc: a folded-multiply hash over 16-byte blocks, finished with mix64.
#include "lb/key_hash.h"

#include <cstddef>

namespace ringwall::lb {
namespace {

// Fractional digits of pi and e: constants with no structure for the input to align with.
constexpr std::uint64_t k_seed = 0x243f6a8885a308d3ULL;
constexpr std::uint64_t k_low = 0x13198a2e03707344ULL;
constexpr std::uint64_t k_high = 0xb7e151628aed2a6bULL;

// Reads up to 8 bytes as a little-endian number, so hashes agree across architectures.
std::uint64_t load_le(const char* p, std::size_t n) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    return v;  // g++ and clang turn the full 8-byte case into one load on little-endian hosts
}

// The 128-bit product of a and b with its halves folded together: every bit of both
// operands reaches the middle of the result in one multiply.
std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) noexcept {
    const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

constexpr std::uint64_t rotate_left(std::uint64_t x, int r) noexcept {
    return (x << r) | (x >> (64 - r));
}

// One 16-byte block. The product alone would be 0 for a block that cancels the state, and
// everything before it would be forgotten; carrying the rotated state along prevents that.
std::uint64_t absorb(std::uint64_t h, std::uint64_t low, std::uint64_t high) noexcept {
    return fold_multiply(low ^ h ^ k_low, high ^ k_high) ^ rotate_left(h, 23);
}

}  // namespace

std::uint64_t hash_key(std::string_view key, std::uint64_t seed) noexcept {
    const char* p = key.data();
    std::size_t left = key.size();
    std::uint64_t h = mix64(seed ^ k_seed);
    while (left >= 16) {
        h = absorb(h, load_le(p, 8), load_le(p + 8, 8));
        p += 16;
        left -= 16;
    }
    // The tail is zero-padded; folding the length in keeps "a" and "a\0" apart.
    const std::size_t low_bytes = left < 8 ? left : 8;
    const std::uint64_t high = left > 8 ? load_le(p + 8, left - 8) : 0;
    h = absorb(h, load_le(p, low_bytes), high);
    return mix64(h ^ static_cast<std::uint64_t>(key.size()));
}

}  // namespace ringwall::lb
