// Tests for compress(): every coding and level round-trips through the reference decoders.
#include "compress/compress.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "compress/decoders.h"
#include "compress/sample_bodies.h"

namespace ringwall::compress {
namespace {

using testing::decode_brotli;
using testing::decode_gzip;
using testing::decode_zstd;
using testing::mib;

constexpr std::array<Coding, 3> all_codings = {Coding::gzip, Coding::br, Coding::zstd};
constexpr std::array<Level, 2> all_levels = {Level::on_the_fly, Level::cached};

struct Sample {
    const char* name;
    std::string body;
};

const std::vector<Sample>& samples() {
    static const std::vector<Sample> all = {
        {"empty", ""},
        {"one byte", "x"},
        {"tiny", "<!doctype html><title>ok</title>\n"},
        {"1 MiB random", testing::random_bytes(mib)},
        {"1 MiB text", testing::text_like(mib)},
    };
    return all;
}

std::optional<std::string> decode(Coding coding, std::string_view stream, std::size_t max_size) {
    switch (coding) {
        case Coding::gzip:
            return decode_gzip(stream, max_size);
        case Coding::br:
            return decode_brotli(stream, max_size);
        case Coding::zstd:
            return decode_zstd(stream, max_size);
    }
    return std::nullopt;
}

std::string describe(Coding coding, Level level, const Sample& sample) {
    return std::string(token(coding)) + (level == Level::cached ? " cached " : " on_the_fly ") +
           sample.name;
}

TEST(Compress, RoundTripsThroughTheReferenceDecoders) {
    for (const Coding coding : all_codings) {
        for (const Level level : all_levels) {
            for (const Sample& sample : samples()) {
                SCOPED_TRACE(describe(coding, level, sample));
                const std::optional<std::string> stream = compress(coding, sample.body, level);
                ASSERT_TRUE(stream.has_value());
                EXPECT_FALSE(stream->empty());  // even an empty body needs a stream
                const std::optional<std::string> decoded =
                    decode(coding, *stream, sample.body.size());
                ASSERT_TRUE(decoded.has_value());
                EXPECT_TRUE(*decoded == sample.body);  // not EXPECT_EQ: no 1 MiB diff on failure
            }
        }
    }
}

TEST(Compress, IncompressibleInputGrowsByLessThanOnePercent) {
    const std::string body = testing::random_bytes(mib, 7);
    for (const Coding coding : all_codings) {
        for (const Level level : all_levels) {
            SCOPED_TRACE(describe(coding, level, {"random", ""}));
            const std::optional<std::string> stream = compress(coding, body, level);
            ASSERT_TRUE(stream.has_value());
            EXPECT_LT(stream->size(), body.size() + body.size() / 100);
        }
    }
}

TEST(Compress, TextShrinksAndTheCachedLevelShrinksItFurther) {
    const std::string body = testing::text_like(mib, 11);
    for (const Coding coding : all_codings) {
        SCOPED_TRACE(token(coding));
        const std::optional<std::string> fast = compress(coding, body, Level::on_the_fly);
        const std::optional<std::string> dense = compress(coding, body, Level::cached);
        ASSERT_TRUE(fast.has_value());
        ASSERT_TRUE(dense.has_value());
        EXPECT_LT(fast->size(), body.size() / 2);
        EXPECT_LT(dense->size(), fast->size());
    }
}

TEST(Compress, SameInputGivesTheSameBytes) {
    const std::string body = testing::text_like(256 * 1024, 5);
    for (const Coding coding : all_codings) {
        for (const Level level : all_levels) {
            SCOPED_TRACE(describe(coding, level, {"text", ""}));
            EXPECT_TRUE(compress(coding, body, level) == compress(coding, body, level));
        }
    }
}

TEST(Compress, ResultHoldsNoSpareCapacity) {
    // Cached variants live for long: the encoders' worst-case bound must not stay allocated.
    const std::string body = testing::text_like(mib, 3);
    for (const Coding coding : all_codings) {
        SCOPED_TRACE(token(coding));
        const std::optional<std::string> stream = compress(coding, body, Level::cached);
        ASSERT_TRUE(stream.has_value());
        EXPECT_LT(stream->capacity(), stream->size() + 64);
    }
}

}  // namespace
}  // namespace ringwall::compress
