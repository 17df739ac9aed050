// tests/files/range_test.cc: Range parsing against a length, clipping, coalescing, caps,
// and lengths past 4 GiB.
#include "files/range.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringwall::files {

// Found by ADL, so it lives in the type's namespace.
inline void PrintTo(const ByteRange& r, std::ostream* os) {
    *os << r.first << "-" << r.last;
}

namespace {

using namespace std::literals;
using Ranges = std::vector<ByteRange>;

constexpr std::uint64_t u64_max = UINT64_MAX;
constexpr std::uint64_t six_gib = 6ULL << 30;

struct Satisfiable {
    std::string_view field;
    std::uint64_t length;
    Ranges ranges;
};

struct Verdict {
    std::string_view field;
    std::uint64_t length;
    RangeVerdict verdict;
};

TEST(Range, ReadsSatisfiableRanges) {
    const Satisfiable cases[] = {
        {"bytes=0-499", 10000, {{0, 499}}},
        {"bytes=500-999", 10000, {{500, 999}}},
        {"bytes=-500", 10000, {{9500, 9999}}},
        {"bytes=9500-", 10000, {{9500, 9999}}},
        {"bytes=0-0,-1", 10000, {{0, 0}, {9999, 9999}}},
        {"bytes=0-", 1, {{0, 0}}},
        {"bytes=-1", 1, {{0, 0}}},
        {"bytes=0-0", 1, {{0, 0}}},
        {"BYTES=0-1", 10, {{0, 1}}},  // range units are case-insensitive (§14.1)
        {"Bytes=0-1", 10, {{0, 1}}},
        {" bytes=0-1\t", 10, {{0, 1}}},
        {"bytes=0-1 , 3-4", 10, {{0, 1}, {3, 4}}},
        {"bytes=0-1,\t3-4", 10, {{0, 1}, {3, 4}}},
        {"bytes=,0-1,,3-4,", 10, {{0, 1}, {3, 4}}},  // empty elements are skipped (§5.6.1)
        {"bytes=00-0001", 10, {{0, 1}}},
        {"bytes= 0-1", 10, {{0, 1}}},  // list elements are OWS-trimmed, the first one too
        // Clipping to the representation.
        {"bytes=0-9999999", 10000, {{0, 9999}}},
        {"bytes=-20000", 10000, {{0, 9999}}},
        {"bytes=-10000", 10000, {{0, 9999}}},
        {"bytes=9999-10000", 10000, {{9999, 9999}}},
        {"bytes=0-18446744073709551615", 10, {{0, 9}}},
        // Unsatisfiable specs among satisfiable ones are dropped.
        {"bytes=10000-, 0-1", 10000, {{0, 1}}},
        {"bytes=-0,5-6", 10000, {{5, 6}}},
        // Sorted, then merged when they overlap or touch.
        {"bytes=500-599,0-99", 10000, {{0, 99}, {500, 599}}},
        {"bytes=500-600,601-999", 10000, {{500, 999}}},
        {"bytes=500-700,601-999", 10000, {{500, 999}}},
        {"bytes=500-999,600-700", 10000, {{500, 999}}},
        {"bytes=0-,0-,0-", 10000, {{0, 9999}}},
        {"bytes=0-1,5-6,2-4", 10, {{0, 6}}},
        {"bytes=0-1,3-4,-2", 10, {{0, 1}, {3, 4}, {8, 9}}},
        {"bytes=8-,-3", 10, {{7, 9}}},
        {"bytes=0-0,2-2,4-4", 10, {{0, 0}, {2, 2}, {4, 4}}},
        // Past 4 GiB and up to 2^64-1.
        {"bytes=4294967296-4294967299", six_gib, {{4294967296, 4294967299}}},
        {"bytes=5000000000-", six_gib, {{5000000000, six_gib - 1}}},
        {"bytes=-1", six_gib, {{six_gib - 1, six_gib - 1}}},
        {"bytes=-4294967297", six_gib, {{six_gib - 4294967297, six_gib - 1}}},
        {"bytes=4294967295-4294967296", six_gib, {{4294967295, 4294967296}}},
        {"bytes=-1", u64_max, {{u64_max - 1, u64_max - 1}}},
        {"bytes=0-18446744073709551615", u64_max, {{0, u64_max - 1}}},
        {"bytes=18446744073709551613-,0-0", u64_max, {{0, 0}, {u64_max - 2, u64_max - 1}}},
        {"bytes=18446744073709551612-18446744073709551613,-1",
         u64_max,
         {{u64_max - 3, u64_max - 1}}},
    };
    for (const Satisfiable& c : cases) {
        SCOPED_TRACE(c.field);
        const RangeRequest out = parse_range(c.field, c.length);
        ASSERT_EQ(out.verdict, RangeVerdict::satisfiable);
        EXPECT_EQ(out.ranges, c.ranges);
    }
}

TEST(Range, SortsOtherVerdicts) {
    const Verdict cases[] = {
        // Not a bytes range, or invalid: ignored (200).
        {"items=0-1", 10, RangeVerdict::none},
        {"bytes 0-1", 10, RangeVerdict::none},
        {"bytes", 10, RangeVerdict::none},
        {"=0-1", 10, RangeVerdict::none},
        {"", 10, RangeVerdict::none},
        {"bytes=", 10, RangeVerdict::none},
        {"bytes=,", 10, RangeVerdict::none},
        {"bytes= , ", 10, RangeVerdict::none},
        {"bytes=1-0", 10, RangeVerdict::none},  // last-pos < first-pos
        {"bytes=0-1,5-4", 10, RangeVerdict::none},
        {"bytes=a-b", 10, RangeVerdict::none},
        {"bytes=+1-2", 10, RangeVerdict::none},
        {"bytes=1-+2", 10, RangeVerdict::none},
        {"bytes=-+1", 10, RangeVerdict::none},
        {"bytes=--1", 10, RangeVerdict::none},
        {"bytes=1--2", 10, RangeVerdict::none},
        {"bytes=-", 10, RangeVerdict::none},
        {"bytes=0-1-2", 10, RangeVerdict::none},
        {"bytes=0-1;x", 10, RangeVerdict::none},
        {"bytes = 0-1", 10, RangeVerdict::none},
        {"bytes =0-1", 10, RangeVerdict::none},
        {"bytes=0 -1", 10, RangeVerdict::none},
        {"bytes=0- 1", 10, RangeVerdict::none},
        {"bytes=0-1 2-3", 10, RangeVerdict::none},
        {"bytes=0x10-20", 10, RangeVerdict::none},
        {"bytes=1.5-2", 10, RangeVerdict::none},
        {"bytes=0-1,x", 10, RangeVerdict::none},
        {"bytes=0-1,1", 10, RangeVerdict::none},
        {"bytes=18446744073709551616-", 10, RangeVerdict::none},
        {"bytes=-18446744073709551616", 10, RangeVerdict::none},
        {"bytes=0-18446744073709551616", 10, RangeVerdict::none},
        {"bytes=99999999999999999999999-", 10, RangeVerdict::none},
        {"bytes=0-1\r\n", 10, RangeVerdict::none},
        {"bytes=x", 0, RangeVerdict::none},
        // Valid but nothing to send: 416.
        {"bytes=10000-", 10000, RangeVerdict::unsatisfiable},
        {"bytes=10000-20000", 10000, RangeVerdict::unsatisfiable},
        {"bytes=-0", 10000, RangeVerdict::unsatisfiable},
        {"bytes=10000-,-0", 10000, RangeVerdict::unsatisfiable},
        {"bytes=18446744073709551615-", u64_max, RangeVerdict::unsatisfiable},
        {"bytes=6442450944-", six_gib, RangeVerdict::unsatisfiable},
        // A zero-length representation has no byte to send, suffix or not.
        {"bytes=0-", 0, RangeVerdict::unsatisfiable},
        {"bytes=0-0", 0, RangeVerdict::unsatisfiable},
        {"bytes=-5", 0, RangeVerdict::unsatisfiable},
        {"bytes=-0", 0, RangeVerdict::unsatisfiable},
    };
    for (const Verdict& c : cases) {
        SCOPED_TRACE(testing::PrintToString(std::string(c.field)));
        const RangeRequest out = parse_range(c.field, c.length);
        EXPECT_EQ(out.verdict, c.verdict);
        EXPECT_TRUE(out.ranges.empty());
    }
}

TEST(Range, IgnoresAnAbsentField) {
    const RangeRequest out = parse_range(std::nullopt, 10);
    EXPECT_EQ(out.verdict, RangeVerdict::none);
    EXPECT_TRUE(out.ranges.empty());
}

std::string specs(int count, std::string_view spec = "0-0") {
    std::string out = "bytes=";
    for (int i = 0; i < count; ++i) {
        out += (i > 0 ? "," : "");
        out += spec;
    }
    return out;
}

TEST(Range, CapsTheNumberOfSpecsAsWritten) {
    EXPECT_EQ(default_max_ranges, 16u);
    // Counted before coalescing: 16 copies of one byte are fine, 17 are not.
    EXPECT_EQ(parse_range(specs(16), 10).verdict, RangeVerdict::satisfiable);
    EXPECT_EQ(parse_range(specs(16), 10).ranges, Ranges({{0, 0}}));
    EXPECT_EQ(parse_range(specs(17), 10).verdict, RangeVerdict::too_many);
    EXPECT_TRUE(parse_range(specs(17), 10).ranges.empty());
    EXPECT_EQ(parse_range(specs(1000), 10).verdict, RangeVerdict::too_many);
    // Unsatisfiable specs count too.
    EXPECT_EQ(parse_range(specs(17, "20-30"), 10).verdict, RangeVerdict::too_many);
    // Empty elements do not.
    EXPECT_EQ(parse_range(specs(16) + ",,,,", 10).verdict, RangeVerdict::satisfiable);
    // The cap is a parameter.
    EXPECT_EQ(parse_range("bytes=0-1,3-4", 10, 2).verdict, RangeVerdict::satisfiable);
    EXPECT_EQ(parse_range("bytes=0-1,3-4,6-7", 10, 2).verdict, RangeVerdict::too_many);
    EXPECT_EQ(parse_range("bytes=0-1", 10, 1).verdict, RangeVerdict::satisfiable);
    EXPECT_EQ(parse_range("bytes=0-1", 10, 0).verdict, RangeVerdict::too_many);
    // Parsing stops at the cap; an invalid spec before it still makes the field invalid.
    EXPECT_EQ(parse_range("bytes=0-1,3-4,junk", 10, 2).verdict, RangeVerdict::too_many);
    EXPECT_EQ(parse_range("bytes=0-1,junk,3-4", 10, 2).verdict, RangeVerdict::none);
}

TEST(Range, FormatsContentRange) {
    EXPECT_EQ(format_content_range({0, 499}, 1234), "bytes 0-499/1234");
    EXPECT_EQ(format_content_range({0, 0}, 1), "bytes 0-0/1");
    EXPECT_EQ(format_content_range({4294967296, six_gib - 1}, six_gib),
              "bytes 4294967296-6442450943/6442450944");
    EXPECT_EQ(format_content_range({0, u64_max - 1}, u64_max),
              "bytes 0-18446744073709551614/18446744073709551615");
    EXPECT_EQ(format_unsatisfied_range(1234), "bytes */1234");
    EXPECT_EQ(format_unsatisfied_range(0), "bytes */0");
    EXPECT_EQ(ByteRange({5, 5}).size(), 1u);
    EXPECT_EQ(ByteRange({0, u64_max - 1}).size(), u64_max);
}

}  // namespace
}  // namespace ringwall::files
