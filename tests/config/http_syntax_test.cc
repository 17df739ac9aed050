// tests/config/http_syntax_test.cc: the HTTP syntax checks behind route and upstream keys.
#include <gtest/gtest.h>

#include <string>

#include "config/http_syntax.h"

namespace ringwall::config {
namespace {

TEST(HttpSyntax, RecognizesTokens) {
    EXPECT_TRUE(is_token("GET"));
    EXPECT_TRUE(is_token("x-custom_!#$%&'*+.^`|~9"));
    EXPECT_FALSE(is_token(""));
    EXPECT_FALSE(is_token("a b"));
    EXPECT_FALSE(is_token("a:b"));
    EXPECT_FALSE(is_token("a\"b"));
    EXPECT_FALSE(is_token(":status"));
}

TEST(HttpSyntax, AcceptsLongestHostNames) {
    const std::string label(63, 'a');
    EXPECT_EQ(host_pattern_error(label + ".com"), "");
    EXPECT_NE(host_pattern_error(label + "a.com"), "");
    const std::string long_name = label + "." + label + "." + label + "." + std::string(61, 'b');
    EXPECT_EQ(long_name.size(), 253u);
    EXPECT_EQ(host_pattern_error(long_name), "");
    EXPECT_EQ(host_pattern_error(long_name + "b"),
              "host \"" + long_name + "b\" is longer than 253 characters");
    EXPECT_EQ(host_pattern_error("*.com"), "");
    EXPECT_EQ(host_pattern_error("xn--bcher-kva.example"), "");
}

TEST(HttpSyntax, ChecksRequestTargets) {
    EXPECT_EQ(request_target_error("/healthz"), "");
    EXPECT_EQ(request_target_error("/healthz?full=1&x=%20/?"), "");
    EXPECT_EQ(request_target_error("/status?"), "");
    EXPECT_EQ(request_target_error("healthz"), "must start with \"/\", got \"healthz\"");
    EXPECT_EQ(request_target_error("?a=1"), "must start with \"/\", got \"?a=1\"");
    EXPECT_EQ(request_target_error(""), "must start with \"/\", got \"\"");
    EXPECT_EQ(request_target_error("/a b?x"),
              "character \" \" is not allowed in a path; percent-encode it as \"%20\"");
    EXPECT_EQ(request_target_error("/a#b"), "must not contain a fragment (\"#\")");
    EXPECT_EQ(request_target_error("/a?b#c"), "must not contain a fragment (\"#\")");
    EXPECT_EQ(request_target_error("/a?b c"),
              "character \" \" is not allowed in a query; percent-encode it as \"%20\"");
    EXPECT_EQ(request_target_error("/a?b=%2"), "\"%\" must be followed by two hex digits in "
                                               "\"/a?b=%2\"");
    EXPECT_EQ(request_target_error("/a?\x7f"),
              "byte 0x7F is not allowed in a query; percent-encode it as \"%7F\"");
    EXPECT_EQ(request_target_error("/../a?b"),
              "must not contain a \"..\" segment; requests are matched after their path is "
              "normalized");
}

TEST(HttpSyntax, ChecksMediaTypes) {
    for (std::string_view good :
         {"text/html", "application/vnd.api+json", "text/html;charset=utf-8",
          "text/html ; charset=utf-8 ; q=1", "multipart/mixed; boundary=\"a b;c\\\"d\"",
          "x/y; a=\"\""}) {
        EXPECT_EQ(media_type_error(good), "") << good;
    }
    EXPECT_EQ(media_type_error(""), "expected a media type like \"text/html\", got \"\"");
    EXPECT_EQ(media_type_error("text/html; charset=\"a\\"),
              "media type \"text/html; charset=\\\"a\\\\\": unclosed quoted parameter value");
    EXPECT_EQ(media_type_error("a/b\x7f"),
              "media type \"a/b\\u007F\" must not contain control characters (found byte 0x7F)");
    EXPECT_EQ(media_type_error("a/b; c=d e"),
              "media type \"a/b; c=d e\": parameters must look like \"; name=value\", as in "
              "\"text/html; charset=utf-8\"");
}

}  // namespace
}  // namespace ringwall::config
