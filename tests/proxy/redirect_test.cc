// tests/proxy/redirect_test.cc: Location templates and the redirect note.
#include "proxy/redirect.h"

#include <gtest/gtest.h>

namespace ringwall::proxy {
namespace {

TEST(Redirect, ExpandsEveryPlaceholder) {
    const LocationParts parts{.scheme = "http", .host = "example.com", .path = "/a/b", .query = "x=1"};
    EXPECT_EQ(expand_location("https://{host}{request_uri}", parts), "https://example.com/a/b?x=1");
    EXPECT_EQ(expand_location("{scheme}://{host}/new{path}?{query}", parts),
              "http://example.com/new/a/b?x=1");
    EXPECT_EQ(expand_location("/static", parts), "/static");
}

TEST(Redirect, RequestUriHasNoQuestionMarkWithoutAQuery) {
    const LocationParts parts{.scheme = "http", .host = "h", .path = "/p", .query = ""};
    EXPECT_EQ(expand_location("https://{host}{request_uri}", parts), "https://h/p");
}

TEST(Redirect, LeavesUnknownBracesLiteral) {
    const LocationParts parts{.scheme = "http", .host = "h", .path = "/p", .query = ""};
    EXPECT_EQ(expand_location("/{nope}/{host", parts), "/{nope}/{host");
}

TEST(Redirect, NoteEscapesTheLocationAndIsCapped) {
    EXPECT_EQ(redirect_note("/a?b=1&c=\"<x>\""),
              "<html><body>Moved to <a href=\"/a?b=1&amp;c=&quot;&lt;x&gt;&quot;\">this location</a>."
              "</body></html>\n");
    EXPECT_LE(redirect_note(std::string(5000, 'a')).size(), redirect_note_limit);
}

}  // namespace
}  // namespace ringwall::proxy
