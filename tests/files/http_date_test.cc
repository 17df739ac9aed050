// tests/files/http_date_test.cc: the three HTTP-date forms, calendar checks, RFC 850
// years, and IMF-fixdate output.
#include "files/http_date.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringwall::files {
namespace {

using namespace std::literals;

constexpr std::int64_t rfc_example = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::int64_t in_2026 = 1779926400;     // Thu, 28 May 2026 00:00:00 GMT

struct Parsed {
    std::string_view text;
    std::int64_t seconds;
};

TEST(HttpDate, ReadsTheThreeFormsOfTheRfcExample) {
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", in_2026), rfc_example);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", in_2026), rfc_example);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994", in_2026), rfc_example);
    EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994", in_2026), rfc_example);
}

TEST(HttpDate, ReadsImfFixdates) {
    const Parsed cases[] = {
        {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
        {"Thu, 01 Jan 1970 00:01:00 GMT", 60},
        {"Wed, 31 Dec 1969 23:59:59 GMT", -1},
        {"Tue, 19 Jan 2038 03:14:08 GMT", 2147483648},
        {"Tue, 29 Feb 2000 12:00:00 GMT", 951825600},
        {"Thu, 29 Feb 2024 00:00:00 GMT", 1709164800},
        {"Fri, 31 Dec 9999 23:59:59 GMT", max_http_date},
        {"Mon, 01 Jan 0001 00:00:00 GMT", -62135596800},
        {"Wed, 21 Oct 2015 07:28:00 GMT", 1445412480},
        {"Mon, 21 Oct 2015 07:28:00 GMT", 1445412480},  // the day name is not cross-checked
        {"Thu, 01 Jan 1970 00:00:60 GMT", 60},          // a leap second reads as the next minute
    };
    for (const Parsed& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(parse_http_date(c.text, in_2026), c.seconds);
    }
}

TEST(HttpDate, PlacesTwoDigitYearsWithinFiftyYearsOfNow) {
    const struct {
        std::string_view text;
        std::int64_t now;
        std::int64_t seconds;
    } cases[] = {
        {"Sunday, 06-Nov-94 08:49:37 GMT", in_2026, rfc_example},
        {"Friday, 06-Nov-76 08:49:37 GMT", in_2026, 3371878177},  // 50 years ahead: kept
        {"Sunday, 06-Nov-77 08:49:37 GMT", in_2026, 247654177},   // 51 ahead: the past
        {"Wednesday, 01-Jan-20 00:00:00 GMT", in_2026, 1577836800},
        {"Sunday, 06-Nov-94 08:49:37 GMT", 0, rfc_example},
        {"Wednesday, 01-Jan-20 00:00:00 GMT", 0, 1577836800},  // from 1970, 2020 is 50 ahead
        {"Saturday, 01-Jan-21 00:00:00 GMT", 0, -1546300800},  // 2021 would be 51: 1921
        {"Thursday, 01-Jan-70 00:00:00 GMT", 0, 0},
        {"Thursday, 01-Jan-70 00:00:00 GMT", -5, 0},  // a silly clock is clamped, not trusted
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(parse_http_date(c.text, c.now), c.seconds);
    }
}

TEST(HttpDate, RejectsEverythingElse) {
    const std::string_view cases[] = {
        "",
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        " Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 gmt",
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun,  6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun 06 Nov 1994 08:49:37 GMT",
        "Sun, 06-Nov-1994 08:49:37 GMT",
        "Sux, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nox 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",  // 1900 is no leap year
        "Sun, 29 Feb 2023 08:49:37 GMT",
        "Sun, 32 Jan 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 199x 08:49:37 GMT",
        "Sun, +6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",  // two members
        "Sun, 06 Nov 1994 08:49:37 GMT\0"sv,
        "Sunday, 06-Nov-94 08:49:37 UTC",
        "Sunday, 06 Nov 94 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sunny, 06-Nov-94 08:49:37 GMT",
        "Sunday, 31-Jun-94 08:49:37 GMT",
        "Sunday,06-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov   6 08:49:37 1994",
        "Sunday Nov  6 08:49:37 1994",
        "Sun Nov  0 08:49:37 1994",
        "Sun Feb 30 08:49:37 1994",
        "Sun Nov  6 08:49:37 1994 GMT",
        "Sun Nov  6 8:49:37  1994",
        "1994-11-06T08:49:37Z",
        "784111777",
        "\"etag\"",
    };
    for (std::string_view text : cases) {
        SCOPED_TRACE(testing::PrintToString(std::string(text)));
        EXPECT_EQ(parse_http_date(text, in_2026), std::nullopt);
    }
}

TEST(HttpDate, FormatsImfFixdate) {
    EXPECT_EQ(format_http_date(rfc_example), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format_http_date(2147483648), "Tue, 19 Jan 2038 03:14:08 GMT");
    EXPECT_EQ(format_http_date(951825600), "Tue, 29 Feb 2000 12:00:00 GMT");
    EXPECT_EQ(format_http_date(1445412480), "Wed, 21 Oct 2015 07:28:00 GMT");
    EXPECT_EQ(format_http_date(max_http_date), "Fri, 31 Dec 9999 23:59:59 GMT");
    EXPECT_EQ(format_http_date(-1), "Thu, 01 Jan 1970 00:00:00 GMT");  // clamped
    EXPECT_EQ(format_http_date(INT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
    EXPECT_EQ(format_http_date(INT64_MIN), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(format_http_date(rfc_example).size(), http_date_size);
}

TEST(HttpDate, ReadsBackWhatItWrites) {
    // Every day from 1970 to 2100 at a varying time, plus the far end.
    for (std::int64_t t = 0; t < 4102444800; t += 86400 + 3607) {
        ASSERT_EQ(parse_http_date(format_http_date(t), in_2026), t) << t;
    }
    EXPECT_EQ(parse_http_date(format_http_date(max_http_date), in_2026), max_http_date);
}

}  // namespace
}  // namespace ringwall::files
