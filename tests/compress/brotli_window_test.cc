// Tests that a brotli stream announces no larger window than its body needs.
#include <gtest/gtest.h>

#include <string>

#include "compress/compress.h"
#include "compress/decoders.h"
#include "compress/sample_bodies.h"

namespace ringwall::compress {
namespace {

// WBITS from the first bits of the stream header (RFC 7932 §9.1), or 0 for the
// large-window extension, which plain "br" must not use.
int window_bits(const std::string& stream) {
    const unsigned bits = static_cast<unsigned char>(stream[0]) |
                          (stream.size() > 1 ? static_cast<unsigned char>(stream[1]) << 8 : 0u);
    if ((bits & 1) == 0) {
        return 16;
    }
    if (const unsigned n = (bits >> 1) & 7; n != 0) {
        return 17 + static_cast<int>(n);
    }
    const unsigned m = (bits >> 4) & 7;
    if (m == 1) {
        return 0;
    }
    return m == 0 ? 17 : 8 + static_cast<int>(m);
}

TEST(BrotliWindow, IsTheSmallestThatHoldsTheBody) {
    struct Case {
        std::size_t size;
        int bits;  // smallest with (1 << bits) - 16 >= size
    };
    for (const Case c :
         {Case{100, 10}, Case{1008, 10}, Case{1009, 11}, Case{5000, 13}, Case{testing::mib, 21}}) {
        SCOPED_TRACE(c.size);
        const std::string body = testing::text_like(c.size);
        const std::optional<std::string> stream = compress(Coding::br, body, Level::cached);
        ASSERT_TRUE(stream.has_value());
        EXPECT_EQ(window_bits(*stream), c.bits);
        const std::optional<std::string> decoded = testing::decode_brotli(*stream, body.size());
        ASSERT_TRUE(decoded.has_value());
        EXPECT_TRUE(*decoded == body);
    }
}

}  // namespace
}  // namespace ringwall::compress
