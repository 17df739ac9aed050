// Tests for the coding names: the tokens go on the wire, the suffixes name files on disk.
#include "compress/coding.h"

#include <gtest/gtest.h>

namespace ringwall::compress {
namespace {

TEST(Coding, TokensAreTheRegisteredContentCodings) {
    EXPECT_EQ(token(Coding::gzip), "gzip");
    EXPECT_EQ(token(Coding::br), "br");
    EXPECT_EQ(token(Coding::zstd), "zstd");
}

TEST(Coding, SuffixesAreWhatTheCommandLineToolsWrite) {
    EXPECT_EQ(suffix(Coding::gzip), ".gz");
    EXPECT_EQ(suffix(Coding::br), ".br");
    EXPECT_EQ(suffix(Coding::zstd), ".zst");
}

TEST(Coding, NamesAreUsableInConstantExpressions) {
    static_assert(token(Coding::br) == "br");
    static_assert(suffix(Coding::zstd) == ".zst");
}

}  // namespace
}  // namespace ringwall::compress
