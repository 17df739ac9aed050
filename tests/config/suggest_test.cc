// tests/config/suggest_test.cc: edit distance and "did you mean".
#include "config/suggest.h"

#include <gtest/gtest.h>

namespace ringwall::config {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("body", "body"), 0u);
    EXPECT_EQ(edit_distance("bdy", "body"), 1u);
    EXPECT_EQ(edit_distance("bodyy", "body"), 1u);
    EXPECT_EQ(edit_distance("bady", "body"), 1u);
    EXPECT_EQ(edit_distance("max_feild_size", "max_field_size"), 1u);  // one swap
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("ca", "abc"), 3u);  // OSA: no edit of a swapped pair
}

TEST(EditDistance, IgnoresAsciiCase) {
    EXPECT_EQ(edit_distance("Status", "status"), 0u);
    EXPECT_EQ(edit_distance("MAX_FIELDS", "max_fields"), 0u);
}

TEST(Suggest, PicksTheClosestCandidateWithinTwoEdits) {
    const std::string_view keys[] = {"max_field_size", "max_fields", "max_header_size"};
    EXPECT_EQ(suggest("max_feild_size", keys), "max_field_size");
    EXPECT_EQ(suggest("max_field", keys), "max_fields");
    EXPECT_EQ(suggest("max_fieldz", keys), "max_fields");
    EXPECT_EQ(suggest("max_headers_sizes", keys), "max_header_size");
    EXPECT_EQ(suggest("Max_Fields", keys), "max_fields");
    EXPECT_EQ(suggest("timeout", keys), std::nullopt);
    EXPECT_EQ(suggest("max_fiXXXs", keys), std::nullopt);  // three edits
}

TEST(Suggest, PrefersTheEarlierCandidateOnTies) {
    EXPECT_EQ(suggest("ab", {"aa", "bb"}), "aa");
}

TEST(Suggest, NeverReplacesAWholeShortWord) {
    EXPECT_EQ(suggest("x", {"h", "m"}), std::nullopt);
    EXPECT_EQ(suggest("ab", {"cd"}), std::nullopt);
    EXPECT_EQ(suggest("ab", {"abc"}), "abc");
}

}  // namespace
}  // namespace ringwall::config
