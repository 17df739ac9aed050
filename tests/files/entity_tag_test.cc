// tests/files/entity_tag_test.cc: entity-tag grammar, strong and weak comparison, and
// lists with quoted commas, "*" and malformed elements.
#include "files/entity_tag.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ringwall::files {
namespace {

using namespace std::literals;

TEST(EntityTag, ParsesOneTag) {
    const struct {
        std::string_view text;
        std::string_view opaque;
        bool weak;
    } valid[] = {
        {"\"abc\"", "\"abc\"", false}, {"W/\"abc\"", "\"abc\"", true},
        {"\"\"", "\"\"", false},       {"W/\"\"", "\"\"", true},
        {"\"a,b\"", "\"a,b\"", false}, {"\"W/\"", "\"W/\"", false},
        {"\"!#~\"", "\"!#~\"", false}, {"\"caf\xc3\xa9\"", "\"caf\xc3\xa9\"", false},  // obs-text
    };
    for (const auto& c : valid) {
        SCOPED_TRACE(c.text);
        const std::optional<EntityTag> tag = parse_entity_tag(c.text);
        ASSERT_TRUE(tag.has_value());
        EXPECT_EQ(tag->opaque, c.opaque);
        EXPECT_EQ(tag->weak, c.weak);
    }
    for (std::string_view text :
         {""sv, "abc"sv, "\"a"sv, "a\""sv, "\"a\"b"sv, "\"a b\""sv, "\"a\tb\""sv, "\"a\x7f\""sv,
          "\"a\0\""sv, "\"a\"\"b\""sv, " \"a\""sv, "\"a\" "sv, "w/\"a\""sv, "W/a"sv, "W/ \"a\""sv,
          "W/"sv, "\""sv, "*"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(text)));
        EXPECT_FALSE(parse_entity_tag(text).has_value());
    }
}

TEST(EntityTag, ComparesStronglyAndWeakly) {
    // RFC 9110 §8.8.3.2's table.
    const struct {
        std::string_view a;
        std::string_view b;
        bool strong;
        bool weak;
    } cases[] = {
        {"W/\"1\"", "W/\"1\"", false, true}, {"W/\"1\"", "W/\"2\"", false, false},
        {"W/\"1\"", "\"1\"", false, true},   {"\"1\"", "\"1\"", true, true},
        {"\"1\"", "\"2\"", false, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.a) + " vs " + std::string(c.b));
        const EntityTag a = *parse_entity_tag(c.a);
        const EntityTag b = *parse_entity_tag(c.b);
        EXPECT_EQ(tags_match(a, b, TagComparison::strong), c.strong);
        EXPECT_EQ(tags_match(b, a, TagComparison::strong), c.strong);
        EXPECT_EQ(tags_match(a, b, TagComparison::weak), c.weak);
        EXPECT_EQ(tags_match(b, a, TagComparison::weak), c.weak);
    }
}

TEST(EntityTag, MatchesLists) {
    constexpr std::string_view ours = "\"5f3a-1b2c-64\"";
    const struct {
        std::string_view list;
        std::string_view current;
        TagComparison comparison;
        TagListMatch expected;
    } cases[] = {
        {"*", ours, TagComparison::strong, TagListMatch::matched},
        {" * ", ours, TagComparison::strong, TagListMatch::matched},
        {"*", "", TagComparison::weak, TagListMatch::matched},  // any current representation
        {"\"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::matched},
        {"W/\"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::not_matched},
        {"W/\"5f3a-1b2c-64\"", ours, TagComparison::weak, TagListMatch::matched},
        {"\"5f3a-1b2c-64\"", "W/\"5f3a-1b2c-64\"", TagComparison::strong,
         TagListMatch::not_matched},
        {"\"5f3a-1b2c-64\"", "W/\"5f3a-1b2c-64\"", TagComparison::weak, TagListMatch::matched},
        {"\"x\", \"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::matched},
        {"\"x\",\"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::matched},
        {"\"x\" ,\t\"5f3a-1b2c-64\" ", ours, TagComparison::strong, TagListMatch::matched},
        {"\"x\", \"y\"", ours, TagComparison::strong, TagListMatch::not_matched},
        {"\"5f3a-1b2c-64\", \"x\"", ours, TagComparison::strong, TagListMatch::matched},
        {", ,\"5f3a-1b2c-64\",,", ours, TagComparison::strong, TagListMatch::matched},
        // A comma inside quotes is part of the tag, not a separator.
        {"\"a,b\"", "\"a\"", TagComparison::strong, TagListMatch::not_matched},
        {"\"a,b\"", "\"a,b\"", TagComparison::strong, TagListMatch::matched},
        {"\"x,\"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::malformed},
        {"", ours, TagComparison::strong, TagListMatch::not_matched},
        {" , ", ours, TagComparison::strong, TagListMatch::not_matched},
        {"\"5f3a-1b2c-64\"", "", TagComparison::strong, TagListMatch::not_matched},
        {"\"5f3a-1b2c-64\"", "garbage", TagComparison::weak, TagListMatch::not_matched},
        // Malformed anywhere, even after a match.
        {"5f3a-1b2c-64", ours, TagComparison::strong, TagListMatch::malformed},
        {"\"5f3a-1b2c-64\", junk", ours, TagComparison::strong, TagListMatch::malformed},
        {"\"5f3a-1b2c-64\", \"b", ours, TagComparison::strong, TagListMatch::malformed},
        {"\"a\" \"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::malformed},
        {"\"a\"\"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::malformed},
        {"*, \"5f3a-1b2c-64\"", ours, TagComparison::strong, TagListMatch::malformed},
        {"\"5f3a-1b2c-64\", *", ours, TagComparison::strong, TagListMatch::malformed},
        {"*, *", ours, TagComparison::strong, TagListMatch::malformed},
        {"w/\"5f3a-1b2c-64\"", ours, TagComparison::weak, TagListMatch::malformed},
        {"W/ \"5f3a-1b2c-64\"", ours, TagComparison::weak, TagListMatch::malformed},
        {"\"5f3a 1b2c\"", ours, TagComparison::weak, TagListMatch::malformed},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.list) + " against " + std::string(c.current));
        EXPECT_EQ(match_entity_tag_list(c.list, c.current, c.comparison), c.expected);
    }
}

}  // namespace
}  // namespace ringwall::files
