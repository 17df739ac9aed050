// tests/http1/field_rules_test.cc: the small value grammars and to_string(Reason).
#include "http1/field_rules.h"

#include <gtest/gtest.h>

#include "http1/parse_error.h"

namespace ringwall::http1 {
namespace {

TEST(FieldRules, ParsesContentLength) {
    EXPECT_EQ(parse_content_length("0"), 0u);
    EXPECT_EQ(parse_content_length("18446744073709551615"), 18446744073709551615u);
    EXPECT_EQ(parse_content_length("7 ,\t7"), 7u);
    EXPECT_EQ(parse_content_length("18446744073709551616"), std::nullopt);
    EXPECT_EQ(parse_content_length("7,8"), std::nullopt);
    EXPECT_EQ(parse_content_length(""), std::nullopt);
    EXPECT_EQ(parse_content_length("7 "), 7u);  // callers trim, but trailing OWS is harmless
}

TEST(FieldRules, ValidatesHostAndAuthority) {
    EXPECT_TRUE(is_valid_host("a"));
    EXPECT_TRUE(is_valid_host("a:"));  // RFC 3986 port = *DIGIT
    EXPECT_TRUE(is_valid_host("[::ffff:1.2.3.4]:65535"));
    EXPECT_FALSE(is_valid_host("[]"));
    EXPECT_FALSE(is_valid_host("[v1.x]"));
    EXPECT_FALSE(is_valid_host("[::1]x"));
    EXPECT_FALSE(is_valid_host("a:123456"));
    EXPECT_TRUE(is_valid_authority_form("a:1"));
    EXPECT_FALSE(is_valid_authority_form("a:"));
    EXPECT_FALSE(is_valid_authority_form(":1"));
}

TEST(FieldRules, NamesEveryReason) {
    for (int r = 0; r <= static_cast<int>(Reason::invalid_transfer_encoding); ++r) {
        EXPECT_NE(to_string(static_cast<Reason>(r)), "unknown") << r;
    }
    EXPECT_EQ(to_string(Reason::bare_lf), "bare_lf");
    EXPECT_EQ(to_string(Reason::chunked_twice), "chunked_twice");
}

}  // namespace
}  // namespace ringwall::http1
