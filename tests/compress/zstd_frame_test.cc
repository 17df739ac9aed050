// Tests that each zstd result is one frame whose header states the content size.
#include <gtest/gtest.h>
#include <zstd.h>

#include <string>

#include "compress/compress.h"
#include "compress/sample_bodies.h"

namespace ringwall::compress {
namespace {

TEST(ZstdFrame, HeaderStatesTheContentSize) {
    for (const std::string& body :
         {std::string(), std::string("x"), testing::random_bytes(testing::mib),
          testing::text_like(testing::mib)}) {
        for (const Level level : {Level::on_the_fly, Level::cached}) {
            SCOPED_TRACE(body.size());
            const std::optional<std::string> frame = compress(Coding::zstd, body, level);
            ASSERT_TRUE(frame.has_value());
            EXPECT_EQ(ZSTD_getFrameContentSize(frame->data(), frame->size()), body.size());
            // One frame and nothing after it.
            EXPECT_EQ(ZSTD_findFrameCompressedSize(frame->data(), frame->size()), frame->size());
        }
    }
}

}  // namespace
}  // namespace ringwall::compress
