// tests/files/utf8_validator_test.cc: well-formed UTF-8 at every boundary of Table 3-7.
#include "files/utf8_validator.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ringwall::files {
namespace {

using namespace std::literals;

TEST(Utf8Validator, AcceptsEveryRangeBoundary) {
    for (std::string_view text : {""sv,
                                  "abc"sv,
                                  "\x7f"sv,
                                  "\0"sv,
                                  "\xc2\x80"sv,
                                  "\xdf\xbf"sv,
                                  "\xe0\xa0\x80"sv,
                                  "\xe0\xbf\xbf"sv,
                                  "\xe1\x80\x80"sv,
                                  "\xec\xbf\xbf"sv,
                                  "\xed\x80\x80"sv,
                                  "\xed\x9f\xbf"sv,
                                  "\xee\x80\x80"sv,
                                  "\xef\xbf\xbf"sv,
                                  "\xf0\x90\x80\x80"sv,
                                  "\xf0\xbf\xbf\xbf"sv,
                                  "\xf1\x80\x80\x80"sv,
                                  "\xf3\xbf\xbf\xbf"sv,
                                  "\xf4\x80\x80\x80"sv,
                                  "\xf4\x8f\xbf\xbf"sv,
                                  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(text)));
        EXPECT_TRUE(is_valid_utf8(text));
    }
}

TEST(Utf8Validator, RejectsOverlongSurrogatesAndOutOfRange) {
    for (std::string_view text : {"\x80"sv,
                                  "\xbf"sv,
                                  "\xc0\x80"sv,
                                  "\xc0\xae"sv,
                                  "\xc1\xbf"sv,
                                  "\xc2"sv,
                                  "\xc2\x7f"sv,
                                  "\xc2\xc0"sv,
                                  "\xe0\x80\x80"sv,
                                  "\xe0\x9f\xbf"sv,
                                  "\xe0\xa0"sv,
                                  "\xed\xa0\x80"sv,
                                  "\xed\xbf\xbf"sv,
                                  "\xef\xbf"sv,
                                  "\xf0\x80\x80\x80"sv,
                                  "\xf0\x8f\xbf\xbf"sv,
                                  "\xf4\x90\x80\x80"sv,
                                  "\xf4\xbf\xbf\xbf"sv,
                                  "\xf5\x80\x80\x80"sv,
                                  "\xf8\x88\x80\x80\x80"sv,
                                  "\xfe"sv,
                                  "\xff"sv,
                                  "a\xc3"sv,
                                  "\xe2\x82\x2f"sv,
                                  "\xf0\x9f\x98"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(text)));
        EXPECT_FALSE(is_valid_utf8(text));
    }
}

TEST(Utf8Validator, FailsAtTheByteThatGivesItAway) {
    Utf8Validator v;
    EXPECT_TRUE(v.feed(0xe0));
    EXPECT_FALSE(v.is_complete());
    EXPECT_FALSE(v.feed(0x9f));  // E0 needs A0..BF next
    Utf8Validator w;
    EXPECT_TRUE(w.feed(0xf4));
    EXPECT_TRUE(w.feed(0x8f));
    EXPECT_TRUE(w.feed(0xbf));  // later continuation bytes take the full range again
    EXPECT_TRUE(w.feed(0xbf));
    EXPECT_TRUE(w.is_complete());
}

}  // namespace
}  // namespace ringwall::files
