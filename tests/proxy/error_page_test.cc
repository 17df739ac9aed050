// tests/proxy/error_page_test.cc: choosing JSON or HTML error bodies from Accept.
#include "proxy/error_page.h"

#include <gtest/gtest.h>

namespace ringwall::proxy {
namespace {

TEST(ErrorPage, PrefersJsonOnlyWhenAcceptWeighsItHigher) {
    EXPECT_TRUE(prefers_json("application/json"));
    EXPECT_TRUE(prefers_json("application/json, text/html;q=0.9"));
    EXPECT_TRUE(prefers_json("application/*"));
    EXPECT_FALSE(prefers_json(""));
    EXPECT_FALSE(prefers_json("*/*"));
    EXPECT_FALSE(prefers_json("text/html,application/json;q=0.5"));
    EXPECT_FALSE(prefers_json("text/html, application/json"));  // a tie keeps HTML
    EXPECT_FALSE(prefers_json("application/json;q=0"));
    EXPECT_TRUE(prefers_json("text/*;q=0.1, application/json;q=0.2"));
    EXPECT_FALSE(prefers_json("application/json;q=0.1, */*;q=0.5"));
}

TEST(ErrorPage, WritesJsonWithEscapedDetail) {
    const ErrorPage page = make_error_page(502, "bad \"thing\"\n", "application/json");
    EXPECT_EQ(page.content_type, "application/json");
    EXPECT_EQ(page.body, "{\"status\":502,\"error\":\"bad gateway\",\"detail\":\"bad \\\"thing\\\"\\u000a\"}\n");
}

TEST(ErrorPage, WritesHtmlWithEscapedDetail) {
    const ErrorPage page = make_error_page(504, "<script>", "text/html");
    EXPECT_EQ(page.content_type, "text/html");
    EXPECT_NE(page.body.find("504 Gateway Timeout"), std::string::npos);
    EXPECT_NE(page.body.find("&lt;script&gt;"), std::string::npos);
    EXPECT_EQ(page.body.find("<script>"), std::string::npos);
}

TEST(ErrorPage, NamesEachGatewayError) {
    EXPECT_NE(make_error_page(503, "", "application/json").body.find("service unavailable"), std::string::npos);
    EXPECT_NE(make_error_page(504, "", "application/json").body.find("gateway timeout"), std::string::npos);
}

}  // namespace
}  // namespace ringwall::proxy
