// tests/files/conditional_test.cc: every step of RFC 9110 §13.2.2, the precedence between
// them, and If-Range.
#include "files/conditional.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace ringwall::files {

// Found by ADL, so it lives in the type's namespace.
inline void PrintTo(const ConditionalOutcome& o, std::ostream* os) {
    *os << "{status " << o.status() << ", range_allowed " << o.range_allowed << "}";
}

namespace {

using namespace std::literals;

constexpr std::string_view etag = "\"5f3a-1b2c-64\"";
constexpr std::string_view weak_etag = "W/\"5f3a-1b2c-64\"";
constexpr std::string_view other = "\"other\"";
constexpr std::int64_t modified = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::string_view same_date = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr std::string_view earlier = "Sun, 06 Nov 1994 08:49:36 GMT";
constexpr std::string_view later = "Sun, 06 Nov 1994 08:49:38 GMT";
constexpr std::int64_t now = 1779926400;

using Field = std::optional<std::string_view>;
constexpr Field absent = std::nullopt;

constexpr ConditionalOutcome proceed{Precondition::proceed, false};
constexpr ConditionalOutcome proceed_ranged{Precondition::proceed, true};
constexpr ConditionalOutcome not_modified{Precondition::not_modified, false};
constexpr ConditionalOutcome failed{Precondition::failed, false};

// The fields come in the order RFC 9110 §13.2.2 evaluates them.
struct Case {
    std::string_view name;
    std::string_view method;
    Field if_match;
    Field if_unmodified_since;
    Field if_none_match;
    Field if_modified_since;
    Field if_range;
    ConditionalOutcome expected;
};

ConditionalOutcome run(const Case& c, const Validators& validators) {
    const ConditionalRequest request{.method = c.method,
                                     .if_match = c.if_match,
                                     .if_none_match = c.if_none_match,
                                     .if_modified_since = c.if_modified_since,
                                     .if_unmodified_since = c.if_unmodified_since,
                                     .if_range = c.if_range,
                                     .now = now};
    return evaluate_conditionals(request, validators);
}

void expect_all(std::initializer_list<Case> cases, const Validators& validators) {
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(run(c, validators), c.expected);
    }
}

const Validators both{.etag = etag, .last_modified = modified};

TEST(Conditional, WithoutPreconditionsOnlyGetMayUseRange) {
    expect_all(
        {
            {"GET", "GET", absent, absent, absent, absent, absent, proceed_ranged},
            {"HEAD", "HEAD", absent, absent, absent, absent, absent, proceed},
            {"POST", "POST", absent, absent, absent, absent, absent, proceed},
            {"methods are case-sensitive", "get", absent, absent, absent, absent, absent, proceed},
        },
        both);
}

TEST(Conditional, IfMatchUsesStrongComparison) {
    expect_all(
        {
            {"same tag", "GET", etag, absent, absent, absent, absent, proceed_ranged},
            {"other tag", "GET", other, absent, absent, absent, absent, failed},
            {"star", "GET", "*"sv, absent, absent, absent, absent, proceed_ranged},
            {"weak never matches", "GET", weak_etag, absent, absent, absent, absent, failed},
            {"in a list", "GET", "\"x\", \"5f3a-1b2c-64\""sv, absent, absent, absent, absent,
             proceed_ranged},
            {"empty list", "GET", ""sv, absent, absent, absent, absent, failed},
            {"malformed fails closed", "GET", "5f3a-1b2c-64"sv, absent, absent, absent, absent,
             failed},
            {"malformed after a match", "PUT", "\"5f3a-1b2c-64\", x"sv, absent, absent, absent,
             absent, failed},
            {"PUT same tag", "PUT", etag, absent, absent, absent, absent, proceed},
            {"DELETE other tag", "DELETE", other, absent, absent, absent, absent, failed},
            {"HEAD other tag", "HEAD", other, absent, absent, absent, absent, failed},
        },
        both);
}

TEST(Conditional, IfUnmodifiedSinceAppliesOnlyWithoutIfMatch) {
    expect_all(
        {
            {"same date", "GET", absent, same_date, absent, absent, absent, proceed_ranged},
            {"later date", "GET", absent, later, absent, absent, absent, proceed_ranged},
            {"earlier date", "GET", absent, earlier, absent, absent, absent, failed},
            {"earlier date, PUT", "PUT", absent, earlier, absent, absent, absent, failed},
            {"invalid date is ignored", "GET", absent, "yesterday"sv, absent, absent, absent,
             proceed_ranged},
            {"two dates are ignored", "GET", absent,
             "Sat, 05 Nov 1994 08:49:37 GMT, Sat, 05 Nov 1994 08:49:37 GMT"sv, absent, absent,
             absent, proceed_ranged},
            {"If-Match wins over it", "GET", etag, earlier, absent, absent, absent, proceed_ranged},
            {"If-Match fails first", "GET", other, later, absent, absent, absent, failed},
            {"RFC 850 form", "GET", absent, "Sunday, 06-Nov-94 08:49:36 GMT"sv, absent, absent,
             absent, failed},
            {"asctime form", "GET", absent, "Sun Nov  6 08:49:36 1994"sv, absent, absent, absent,
             failed},
        },
        both);
}

TEST(Conditional, IfNoneMatchUsesWeakComparison) {
    expect_all(
        {
            {"GET same tag", "GET", absent, absent, etag, absent, absent, not_modified},
            {"HEAD same tag", "HEAD", absent, absent, etag, absent, absent, not_modified},
            {"GET weak tag", "GET", absent, absent, weak_etag, absent, absent, not_modified},
            {"GET star", "GET", absent, absent, "*"sv, absent, absent, not_modified},
            {"GET in a list", "GET", absent, absent, "\"a\", W/\"5f3a-1b2c-64\""sv, absent, absent,
             not_modified},
            {"GET other tag", "GET", absent, absent, other, absent, absent, proceed_ranged},
            {"POST same tag", "POST", absent, absent, etag, absent, absent, failed},
            {"PUT star", "PUT", absent, absent, "*"sv, absent, absent, failed},
            {"DELETE other tag", "DELETE", absent, absent, other, absent, absent, proceed},
            {"GET malformed: full answer", "GET", absent, absent, "junk"sv, absent, absent,
             proceed_ranged},
            {"HEAD malformed: full answer", "HEAD", absent, absent, "junk"sv, absent, absent,
             proceed},
            {"PUT malformed fails closed", "PUT", absent, absent, "junk"sv, absent, absent, failed},
            {"lowercase method is not GET", "get", absent, absent, etag, absent, absent, failed},
        },
        both);
}

TEST(Conditional, EvaluatesStepsInOrder) {
    expect_all(
        {
            {"If-Match passes, If-None-Match matches", "GET", etag, absent, etag, absent, absent,
             not_modified},
            {"If-Match fails before If-None-Match", "GET", other, absent, etag, absent, absent,
             failed},
            {"If-Unmodified-Since fails before If-None-Match", "GET", absent, earlier, etag, absent,
             absent, failed},
            {"If-Unmodified-Since passes, then 304", "GET", absent, later, etag, absent, absent,
             not_modified},
            {"If-Match fails before If-Modified-Since", "GET", other, absent, absent, same_date,
             absent, failed},
            {"all pass", "GET", etag, later, other, earlier, etag, proceed_ranged},
            {"304 takes Range away", "GET", absent, absent, etag, absent, etag, not_modified},
        },
        both);
}

TEST(Conditional, IfModifiedSinceOnlyForGetAndHeadWithoutIfNoneMatch) {
    expect_all(
        {
            {"same date", "GET", absent, absent, absent, same_date, absent, not_modified},
            {"later date", "GET", absent, absent, absent, later, absent, not_modified},
            {"earlier date", "GET", absent, absent, absent, earlier, absent, proceed_ranged},
            {"HEAD same date", "HEAD", absent, absent, absent, same_date, absent, not_modified},
            {"POST ignores it", "POST", absent, absent, absent, same_date, absent, proceed},
            {"PUT ignores it", "PUT", absent, absent, absent, later, absent, proceed},
            {"If-None-Match present: ignored", "GET", absent, absent, other, same_date, absent,
             proceed_ranged},
            {"If-None-Match decides", "GET", absent, absent, etag, earlier, absent, not_modified},
            {"malformed If-None-Match still hides it", "GET", absent, absent, "junk"sv, same_date,
             absent, proceed_ranged},
            {"invalid date", "GET", absent, absent, absent, "Sun, 06 Nov 1994"sv, absent,
             proceed_ranged},
            {"two dates", "GET", absent, absent, absent,
             "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT"sv, absent,
             proceed_ranged},
            {"surrounding whitespace", "GET", absent, absent, absent,
             " Sun, 06 Nov 1994 08:49:37 GMT "sv, absent, not_modified},
            {"RFC 850 form", "GET", absent, absent, absent, "Sunday, 06-Nov-94 08:49:37 GMT"sv,
             absent, not_modified},
            {"asctime form", "GET", absent, absent, absent, "Sun Nov  6 08:49:37 1994"sv, absent,
             not_modified},
        },
        both);
}

TEST(Conditional, IfRangeDecidesWhetherRangeApplies) {
    expect_all(
        {
            {"same strong tag", "GET", absent, absent, absent, absent, etag, proceed_ranged},
            {"with whitespace", "GET", absent, absent, absent, absent, " \"5f3a-1b2c-64\" "sv,
             proceed_ranged},
            {"weak tag never holds", "GET", absent, absent, absent, absent, weak_etag, proceed},
            {"other tag", "GET", absent, absent, absent, absent, other, proceed},
            {"a list is not allowed", "GET", absent, absent, absent, absent,
             "\"5f3a-1b2c-64\", \"5f3a-1b2c-64\""sv, proceed},
            {"exact date", "GET", absent, absent, absent, absent, same_date, proceed_ranged},
            {"exact date, asctime", "GET", absent, absent, absent, absent,
             "Sun Nov  6 08:49:37 1994"sv, proceed_ranged},
            {"earlier date", "GET", absent, absent, absent, absent, earlier, proceed},
            {"later date is not exact", "GET", absent, absent, absent, absent, later, proceed},
            {"malformed", "GET", absent, absent, absent, absent, "junk"sv, proceed},
            {"unterminated tag", "GET", absent, absent, absent, absent, "\"5f3a-1b2c-64"sv,
             proceed},
            {"W/ without a tag", "GET", absent, absent, absent, absent, "W/junk"sv, proceed},
            {"empty", "GET", absent, absent, absent, absent, ""sv, proceed},
            {"HEAD never ranges", "HEAD", absent, absent, absent, absent, etag, proceed},
            {"POST never ranges", "POST", absent, absent, absent, absent, etag, proceed},
        },
        both);
}

TEST(Conditional, WorksWithMissingValidators) {
    const Validators no_etag{.etag = "", .last_modified = modified};
    expect_all(
        {
            {"If-Match tag", "GET", etag, absent, absent, absent, absent, failed},
            {"If-Match star", "GET", "*"sv, absent, absent, absent, absent, proceed_ranged},
            {"If-None-Match tag", "GET", absent, absent, etag, absent, absent, proceed_ranged},
            {"If-None-Match star", "GET", absent, absent, "*"sv, absent, absent, not_modified},
            {"If-Range tag", "GET", absent, absent, absent, absent, etag, proceed},
            {"If-Range date", "GET", absent, absent, absent, absent, same_date, proceed_ranged},
        },
        no_etag);
    const Validators no_date{.etag = etag, .last_modified = std::nullopt};
    expect_all(
        {
            {"If-Unmodified-Since ignored", "GET", absent, earlier, absent, absent, absent,
             proceed_ranged},
            {"If-Modified-Since ignored", "GET", absent, absent, absent, later, absent,
             proceed_ranged},
            {"If-Range date never holds", "GET", absent, absent, absent, absent, same_date,
             proceed},
            {"If-Range tag", "GET", absent, absent, absent, absent, etag, proceed_ranged},
        },
        no_date);
}

TEST(Conditional, IgnoresPreconditionsForConnectOptionsTrace) {
    for (std::string_view method : {"CONNECT"sv, "OPTIONS"sv, "TRACE"sv}) {
        expect_all(
            {
                {method, method, other, earlier, etag, same_date, etag, proceed},
            },
            both);
    }
}

TEST(Conditional, ReportsStatusCodes) {
    EXPECT_EQ(proceed.status(), 0);
    EXPECT_EQ(not_modified.status(), 304);
    EXPECT_EQ(failed.status(), 412);
}

}  // namespace
}  // namespace ringwall::files
