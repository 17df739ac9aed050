// tests/config/units_test.cc: size and duration parsing and printing.
#include "config/units.h"

#include <gtest/gtest.h>

#include <limits>

namespace ringwall::config {
namespace {

std::uint64_t size_of(std::string_view text) {
    Parsed<std::uint64_t> parsed = parse_size(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error;
    return parsed.value;
}

std::string size_error(std::string_view text) {
    Parsed<std::uint64_t> parsed = parse_size(text);
    EXPECT_FALSE(parsed.ok()) << text << " parsed as " << parsed.value;
    return parsed.error;
}

std::int64_t ms_of(std::string_view text) {
    Parsed<Duration> parsed = parse_duration(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error;
    return parsed.value.count();
}

std::string duration_error(std::string_view text) {
    Parsed<Duration> parsed = parse_duration(text);
    EXPECT_FALSE(parsed.ok()) << text << " parsed as " << parsed.value.count() << "ms";
    return parsed.error;
}

TEST(ParseSize, ReadsEveryUnit) {
    EXPECT_EQ(size_of("0"), 0u);
    EXPECT_EQ(size_of("10"), 10u);
    EXPECT_EQ(size_of("10B"), 10u);
    EXPECT_EQ(size_of("8KiB"), 8192u);
    EXPECT_EQ(size_of("1MiB"), 1048576u);
    EXPECT_EQ(size_of("2GiB"), 2147483648u);
    EXPECT_EQ(size_of("8KB"), 8000u);
    EXPECT_EQ(size_of("3MB"), 3000000u);
    EXPECT_EQ(size_of("1GB"), 1000000000u);
    EXPECT_EQ(size_of("007KiB"), 7168u);
}

TEST(ParseSize, AcceptsTheLargestValueAndRefusesOneMore) {
    EXPECT_EQ(size_of("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(size_error("18446744073709551616"), "size \"18446744073709551616\" is too large");
    EXPECT_EQ(size_of("17179869183GiB"), 17179869183ull << 30);
    EXPECT_EQ(size_error("17179869184GiB"), "size \"17179869184GiB\" is too large");
    EXPECT_EQ(size_error("99999999999999999999999999KiB"),
              "size \"99999999999999999999999999KiB\" is too large");
}

TEST(ParseSize, RefusesMalformedText) {
    EXPECT_EQ(size_error(""), "expected a size like \"8KiB\", got an empty string");
    EXPECT_EQ(size_error("KiB"), "expected a size like \"8KiB\", got \"KiB\"");
    EXPECT_EQ(size_error("+5"), "expected a size like \"8KiB\", got \"+5\"");
    EXPECT_EQ(size_error("-1KiB"), "a size cannot be negative");
    EXPECT_EQ(size_error("8 KiB"), "unexpected space in \"8 KiB\"; write \"8KiB\"");
    EXPECT_EQ(size_error(" 8"), "unexpected space in \" 8\"; write \"8\"");
    EXPECT_EQ(size_error("8 K"), "unexpected space in \"8 K\"");
    EXPECT_EQ(size_error("1.KiB"), "expected a size like \"8KiB\", got \"1.KiB\"");
}

TEST(ParseSize, RefusesUnknownUnitsAndSuggestsTheRightCase) {
    EXPECT_EQ(size_error("8kib"), "unknown size unit \"kib\" in \"8kib\"; did you mean \"KiB\"?");
    EXPECT_EQ(size_error("8kb"), "unknown size unit \"kb\" in \"8kb\"; did you mean \"KB\"?");
    EXPECT_EQ(size_error("1TiB"),
              "unknown size unit \"TiB\" in \"1TiB\"; use B, KiB, MiB, GiB, KB, MB or GB");
    EXPECT_EQ(size_error("1K"),
              "unknown size unit \"K\" in \"1K\"; use B, KiB, MiB, GiB, KB, MB or GB");
}

TEST(ParseSize, RefusesFractionsAndSuggestsAnExactEquivalent) {
    EXPECT_EQ(size_error("1.5MiB"), "fractional sizes are not supported; write \"1536KiB\"");
    EXPECT_EQ(size_error("0.5KB"), "fractional sizes are not supported; write \"500B\"");
    EXPECT_EQ(size_error("1.5B"), "fractional sizes are not supported; use a smaller unit");
    EXPECT_EQ(size_error("0.0001KiB"), "fractional sizes are not supported; use a smaller unit");
}

TEST(ParseDuration, ReadsUnitsAndCombinations) {
    EXPECT_EQ(ms_of("0s"), 0);
    EXPECT_EQ(ms_of("1ms"), 1);
    EXPECT_EQ(ms_of("10s"), 10'000);
    EXPECT_EQ(ms_of("2m"), 120'000);
    EXPECT_EQ(ms_of("1h"), 3'600'000);
    EXPECT_EQ(ms_of("1m30s"), 90'000);
    EXPECT_EQ(ms_of("1h2m3s4ms"), 3'723'004);
    EXPECT_EQ(ms_of("1h500ms"), 3'600'500);
    EXPECT_EQ(ms_of("90s"), 90'000);
    EXPECT_EQ(ms_of("1500ms"), 1500);
}

TEST(ParseDuration, RefusesUnitsOutOfOrderOrRepeated) {
    const std::string message =
        " must go from largest to smallest, each at most once, as in \"1m30s\"";
    EXPECT_EQ(duration_error("30s1m"), "units in \"30s1m\"" + message);
    EXPECT_EQ(duration_error("1s1s"), "units in \"1s1s\"" + message);
    EXPECT_EQ(duration_error("5ms1s"), "units in \"5ms1s\"" + message);
}

TEST(ParseDuration, RefusesMissingOrUnknownUnits) {
    EXPECT_EQ(duration_error("10"), "missing unit in \"10\"; write \"10s\" or \"10ms\"");
    EXPECT_EQ(duration_error("1m30"), "missing unit at the end of \"1m30\"");
    EXPECT_EQ(duration_error("1d"), "unknown duration unit \"d\" in \"1d\"; use h, m, s or ms");
    EXPECT_EQ(duration_error("10S"), "unknown duration unit \"S\" in \"10S\"; did you mean \"s\"?");
    EXPECT_EQ(duration_error("10sec"),
              "unknown duration unit \"sec\" in \"10sec\"; did you mean \"s\"?");
    EXPECT_EQ(duration_error("2min"),
              "unknown duration unit \"min\" in \"2min\"; did you mean \"m\"?");
    EXPECT_EQ(duration_error("5us"), "unknown duration unit \"us\" in \"5us\"; use h, m, s or ms");
}

TEST(ParseDuration, RefusesSignsSpacesAndJunk) {
    EXPECT_EQ(duration_error(""), "expected a duration like \"10s\", got an empty string");
    EXPECT_EQ(duration_error("-1s"), "a duration cannot be negative");
    EXPECT_EQ(duration_error("+1s"), "expected a duration like \"10s\", got \"+1s\"");
    EXPECT_EQ(duration_error("10 s"), "unexpected space in \"10 s\"; write \"10s\"");
    EXPECT_EQ(duration_error("1m 30s"), "unexpected space in \"1m 30s\"; write \"1m30s\"");
    EXPECT_EQ(duration_error("s"), "expected a duration like \"10s\", got \"s\"");
    EXPECT_EQ(duration_error("1s-"), "expected a duration like \"10s\", got \"1s-\"");
}

TEST(ParseDuration, RefusesFractionsAndSuggestsMilliseconds) {
    EXPECT_EQ(duration_error("1.5s"), "fractional durations are not supported; write \"1500ms\"");
    EXPECT_EQ(duration_error("0.5h"), "fractional durations are not supported; write \"30m\"");
    EXPECT_EQ(duration_error("1m0.5s"),
              "fractional durations are not supported; write \"60500ms\"");
    EXPECT_EQ(duration_error("1.0001s"),
              "fractional durations are not supported; use a smaller unit, such as \"ms\"");
    EXPECT_EQ(duration_error("1.s"), "expected a duration like \"10s\", got \"1.s\"");
}

TEST(ParseDuration, RefusesOverflow) {
    // 2^63-1 ms is the largest; 9223372036854775807ms fits, one more does not.
    EXPECT_EQ(ms_of("9223372036854775807ms"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(duration_error("9223372036854775808ms"),
              "duration \"9223372036854775808ms\" is too large");
    EXPECT_EQ(ms_of("9223372036854775s"), 9223372036854775000);
    EXPECT_EQ(duration_error("9223372036854776s"), "duration \"9223372036854776s\" is too large");
    EXPECT_EQ(duration_error("2562047788015h1h"),
              "units in \"2562047788015h1h\" must go from "
              "largest to smallest, each at most once, as in "
              "\"1m30s\"");
    EXPECT_EQ(duration_error("2562047788015h59m"), "duration \"2562047788015h59m\" is too large");
    EXPECT_EQ(duration_error("99999999999999999999999h"),
              "duration \"99999999999999999999999h\" is too large");
}

TEST(FormatSize, PicksTheLargestExactUnit) {
    EXPECT_EQ(format_size(0), "0B");
    EXPECT_EQ(format_size(1), "1B");
    EXPECT_EQ(format_size(1000), "1KB");
    EXPECT_EQ(format_size(1024), "1KiB");
    EXPECT_EQ(format_size(8192), "8KiB");
    EXPECT_EQ(format_size(1536 * 1024), "1536KiB");
    EXPECT_EQ(format_size(1 << 20), "1MiB");
    EXPECT_EQ(format_size(3ull << 30), "3GiB");
    EXPECT_EQ(format_size(2'000'000), "2MB");
    EXPECT_EQ(format_size(1001), "1001B");
    EXPECT_EQ(format_size(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615B");
}

TEST(FormatDuration, PicksTheLargestExactUnit) {
    EXPECT_EQ(format_duration(Duration(0)), "0ms");
    EXPECT_EQ(format_duration(Duration(1500)), "1500ms");
    EXPECT_EQ(format_duration(Duration(90'000)), "90s");
    EXPECT_EQ(format_duration(Duration(120'000)), "2m");
    EXPECT_EQ(format_duration(Duration(7'200'000)), "2h");
}

TEST(FormatSize, RoundTripsThroughParse) {
    const std::uint64_t sizes[] = {
        0, 1, 999, 1000, 1024, 123456789, 5ull << 40, std::numeric_limits<std::uint64_t>::max()};
    for (std::uint64_t bytes : sizes) {
        EXPECT_EQ(size_of(format_size(bytes)), bytes);
    }
    const std::int64_t durations[] = {
        1, 999, 1000, 61'000, 3'600'000, 86'400'000, std::numeric_limits<std::int64_t>::max()};
    for (std::int64_t ms : durations) {
        EXPECT_EQ(ms_of(format_duration(Duration(ms))), ms);
    }
}

}  // namespace
}  // namespace ringwall::config
