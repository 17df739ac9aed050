// src/lb/key_hash.h: the 64-bit hash that turns a request key into a consistent-hash input.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringwall::lb {

// A bijective 64-bit finalizer (the SplitMix64 output function, Steele, Lea & Flood 2014):
// every input bit flips about half of the output bits. Also the step of Prng.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Hashes a key (client address, header or cookie value, backend identity) to 64 well-mixed
// bits, 16 bytes per multiply. The result depends only on the bytes and the seed, not on
// the host's byte order or on the build, so every worker and every instance of a fleet maps
// a key to the same backend; changing the function remaps every key, so the unit tests pin
// a few values. Not a cryptographic hash: a client who wants a particular backend can
// search for a key that lands there, which gives them nothing they could not get by
// choosing the key in the first place.
std::uint64_t hash_key(std::string_view key, std::uint64_t seed = 0) noexcept;

}  // namespace ringwall::lb
