// tests/files/etag_test.cc: ETags from file versions and per-coding variants.
#include "files/etag.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "files/entity_tag.h"

namespace ringwall::files {
namespace {

TEST(Etag, WritesHexFieldsInOrder) {
    EXPECT_EQ(make_etag({.inode = 0x64, .size = 0x1b2c, .mtime_ns = 0x5f3a}), "\"5f3a-1b2c-64\"");
    EXPECT_EQ(make_etag({}), "\"0-0-0\"");
    EXPECT_EQ(make_etag({.inode = UINT64_MAX, .size = UINT64_MAX, .mtime_ns = INT64_MAX}),
              "\"7fffffffffffffff-ffffffffffffffff-ffffffffffffffff\"");
    EXPECT_EQ(make_etag({.inode = 1, .size = 2, .mtime_ns = -1}), "\"ffffffffffffffff-2-1\"");
    EXPECT_EQ(make_etag({.inode = 1234567, .size = 6ULL << 30, .mtime_ns = 1700000000123456789}),
              "\"17979cfe3d85cd15-180000000-12d687\"");
}

TEST(Etag, IsAStrongEntityTag) {
    const std::string tag = make_etag({.inode = 9, .size = 10, .mtime_ns = 11});
    const std::optional<EntityTag> parsed = parse_entity_tag(tag);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_FALSE(parsed->weak);
}

TEST(Etag, ChangesWithAnyPartOfTheVersion) {
    const FileVersion base{.inode = 100, .size = 2000, .mtime_ns = 1700000000000000000};
    std::set<std::string> tags = {make_etag(base)};
    FileVersion v = base;
    v.mtime_ns += 1;  // rewritten within the same second
    tags.insert(make_etag(v));
    v = base;
    v.inode += 1;  // replaced by rename
    tags.insert(make_etag(v));
    v = base;
    v.size += 1;
    tags.insert(make_etag(v));
    EXPECT_EQ(tags.size(), 4u);
}

TEST(Etag, GivesEachCodingItsOwnTag) {
    const std::string identity = make_etag({.inode = 0x64, .size = 0x1b2c, .mtime_ns = 0x5f3a});
    EXPECT_EQ(make_encoded_etag(identity, "br"), "\"5f3a-1b2c-64-br\"");
    EXPECT_EQ(make_encoded_etag(identity, "zstd"), "\"5f3a-1b2c-64-zstd\"");
    EXPECT_EQ(make_encoded_etag(identity, "gzip"), "\"5f3a-1b2c-64-gzip\"");
    EXPECT_EQ(make_encoded_etag(identity, ""), identity);
    EXPECT_EQ(make_encoded_etag("W/\"x\"", "br"), "W/\"x-br\"");
    EXPECT_EQ(make_encoded_etag("", "br"), "");
    const std::string br = make_encoded_etag(identity, "br");
    ASSERT_TRUE(parse_entity_tag(br).has_value());
    EXPECT_FALSE(
        tags_match(*parse_entity_tag(br), *parse_entity_tag(identity), TagComparison::weak));
}

}  // namespace
}  // namespace ringwall::files
