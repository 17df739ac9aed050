// tests/compress/sample_bodies.h: fixed, generated bodies, so the tests need no files.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringwall::compress::testing {

constexpr std::size_t mib = 1024 * 1024;

// SplitMix64: a seed gives the same stream on every host and build.
class SampleRng {
public:
    explicit SampleRng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t state_;
};

// Bytes no encoder can shrink: the worst case for output growth.
inline std::string random_bytes(std::size_t size, std::uint64_t seed = 1) {
    std::string out(size, '\0');
    SampleRng rng(seed);
    for (std::size_t i = 0; i < size; i += 8) {
        std::uint64_t word = rng.next();
        for (std::size_t j = i; j < size && j < i + 8; ++j, word >>= 8) {
            out[j] = static_cast<char>(word & 0xff);
        }
    }
    return out;
}

// Words, punctuation and line breaks in random order: compresses about as well as prose,
// without the long exact repeats that would flatter every encoder alike.
inline std::string text_like(std::size_t size, std::uint64_t seed = 2) {
    static constexpr std::array<std::string_view, 32> words = {
        "the",    "request", "server",   "file",   "cache",    "of",         "and",   "response",
        "body",   "header",  "to",       "a",      "client",   "connection", "is",    "stream",
        "with",   "content", "encoding", "for",    "upstream", "in",         "route", "static",
        "worker", "reactor", "buffer",   "length", "compress", "not",        "that",  "window"};
    std::string out;
    out.reserve(size + 16);
    SampleRng rng(seed);
    std::size_t line = 0;
    while (out.size() < size) {
        const std::uint64_t r = rng.next();
        const std::string_view word = words[r % words.size()];
        out += word;
        line += word.size() + 1;
        if (line > 72) {
            out += (r >> 8) % 4 == 0 ? ".\n" : "\n";
            line = 0;
        } else {
            out += (r >> 8) % 11 == 0 ? ", " : " ";
        }
    }
    out.resize(size);
    return out;
}

}  // namespace ringwall::compress::testing
