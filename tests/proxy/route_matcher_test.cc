// tests/proxy/route_matcher_test.cc: header, query and regex conditions.
#include "proxy/route_matcher.h"

#include <gtest/gtest.h>

#include <vector>

namespace ringwall::proxy {
namespace {

Request make(std::string_view path, std::string_view query = "",
             std::span<const Field> fields = {}) {
    return Request{.method = "GET", .authority = "h", .path = path, .query = query, .fields = fields};
}

TEST(RouteMatcher, MatchesHeaderPresenceAndValue) {
    config::Route route;
    route.match_headers = {{"x-tenant", "blue"}, {"x-debug", ""}};
    const RouteMatcher matcher(route);
    const std::vector<Field> both = {{"X-Tenant", "blue"}, {"X-Debug", "anything"}};
    const std::vector<Field> wrong = {{"X-Tenant", "green"}, {"X-Debug", "1"}};
    const std::vector<Field> missing = {{"X-Tenant", "blue"}};
    EXPECT_TRUE(matcher.matches(make("/", "", both)));
    EXPECT_FALSE(matcher.matches(make("/", "", wrong)));
    EXPECT_FALSE(matcher.matches(make("/", "", missing)));
}

TEST(RouteMatcher, MatchesQueryParameters) {
    config::Route route;
    route.match_query = {{"v", "2"}, {"beta", ""}};
    const RouteMatcher matcher(route);
    EXPECT_TRUE(matcher.matches(make("/", "a=1&v=2&beta")));
    EXPECT_TRUE(matcher.matches(make("/", "beta=x&v=2")));
    EXPECT_FALSE(matcher.matches(make("/", "v=3&beta")));
    EXPECT_FALSE(matcher.matches(make("/", "v=2")));
    EXPECT_FALSE(matcher.matches(make("/", "vv=2&beta")));
}

TEST(RouteMatcher, MatchesPathRegex) {
    config::Route route;
    route.path_regex = "^/users/[0-9]+$";
    const RouteMatcher matcher(route);
    EXPECT_TRUE(matcher.matches(make("/users/42")));
    EXPECT_FALSE(matcher.matches(make("/users/abc")));
    EXPECT_FALSE(matcher.matches(make("/other/users/1")));
}

TEST(RouteMatcher, UnanchoredRegexSearches) {
    config::Route route;
    route.path_regex = "\\.php$";
    const RouteMatcher matcher(route);
    EXPECT_TRUE(matcher.matches(make("/a/index.php")));
    EXPECT_FALSE(matcher.matches(make("/a/index.html")));
}

}  // namespace
}  // namespace ringwall::proxy
