// tests/http2/request_fields_test.cc: what an HTTP/2 field section becomes for the handlers,
// and the requests refused before any handler sees them.
#include "http2/request_fields.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace ringwall::http2 {
namespace {

using Pairs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// The fields stay alive with the head: both live in the returned holder.
struct Holder {
    RequestFields fields;
    http1::RequestHead head;
    bool added = true;
    bool built = false;
};

std::unique_ptr<Holder> build(Pairs pairs) {
    auto h = std::make_unique<Holder>();
    for (const auto& [name, value] : pairs) {
        h->added = h->fields.add(name, value) && h->added;
    }
    h->built = h->added && h->fields.build(h->head);
    return h;
}

const Pairs get_root = {{":method", "GET"}, {":scheme", "https"}, {":authority", "a.example"}, {":path", "/"}};

TEST(RequestFields, BuildsAnOriginFormHead) {
    auto h = build({{":method", "GET"}, {":scheme", "https"}, {":authority", "a.example:8443"},
                    {":path", "/x/y?q=1&r"}, {"accept", "*/*"}, {"user-agent", "t"}});
    ASSERT_TRUE(h->built);
    EXPECT_EQ(h->head.method, "GET");
    EXPECT_EQ(h->head.target, "/x/y?q=1&r");
    EXPECT_EQ(h->head.path, "/x/y");
    EXPECT_EQ(h->head.query, "q=1&r");
    EXPECT_EQ(h->head.authority, "a.example:8443");
    EXPECT_EQ(h->head.version, http1::Version::http11);
    ASSERT_EQ(h->head.fields.size(), 2U);
    EXPECT_EQ(h->head.fields[0].name, "accept");
    EXPECT_EQ(h->head.fields[1].value, "t");
    EXPECT_EQ(h->head.framing, http1::BodyFraming::none);
    EXPECT_FALSE(h->fields.is_connect());
}

TEST(RequestFields, KeepsViewsValidWhileTheArenaGrows) {
    std::string long_value(100'000, 'v');
    auto h = build({{":method", "POST"}, {":path", "/p"}, {":authority", "a"}, {"x-1", "one"},
                    {"x-big", long_value}, {"x-2", "two"}});
    ASSERT_TRUE(h->built);
    ASSERT_EQ(h->head.fields.size(), 3U);
    EXPECT_EQ(h->head.fields[0].value, "one");
    EXPECT_EQ(h->head.fields[1].value, long_value);
    EXPECT_EQ(h->head.fields[2].value, "two");
}

TEST(RequestFields, JoinsCookieCrumbsForHttp11) {
    auto h = build({{":method", "GET"}, {":path", "/"}, {":authority", "a"}, {"cookie", "a=1"},
                    {"x", "y"}, {"cookie", "b=2"}, {"cookie", "c=3"}});
    ASSERT_TRUE(h->built);
    EXPECT_EQ(h->head.find("cookie"), "a=1; b=2; c=3");
    int cookies = 0;
    for (const http1::Field& f : h->head.fields) {
        cookies += f.name == "cookie";
    }
    EXPECT_EQ(cookies, 1);
}

TEST(RequestFields, ReadsContentLength) {
    auto h = build({{":method", "POST"}, {":path", "/"}, {":authority", "a"}, {"content-length", "1234"}});
    ASSERT_TRUE(h->built);
    EXPECT_EQ(h->head.framing, http1::BodyFraming::content_length);
    EXPECT_EQ(h->head.content_length, 1234U);
    EXPECT_FALSE(build({{":method", "POST"}, {":path", "/"}, {"content-length", "12a"}})->added);
    EXPECT_FALSE(build({{":method", "POST"}, {":path", "/"}, {"content-length", ""}})->added);
    EXPECT_FALSE(build({{":method", "POST"}, {":path", "/"}, {"content-length", "99999999999999999999"}})->added);
}

TEST(RequestFields, TakesHostWhenThereIsNoAuthority) {
    auto h = build({{":method", "GET"}, {":path", "/"}, {"host", "b.example"}});
    ASSERT_TRUE(h->built);
    EXPECT_EQ(h->head.authority, "b.example");
    EXPECT_TRUE(build({{":method", "GET"}, {":path", "/"}, {":authority", "A.example"}, {"host", "a.EXAMPLE"}})->built);
}

TEST(RequestFields, RefusesHostNamingAnotherOrigin) {
    EXPECT_FALSE(build({{":method", "GET"}, {":path", "/"}, {":authority", "a.example"}, {"host", "evil.example"}})->built);
}

TEST(RequestFields, RefusesPathsAnHttp11RequestLineCouldNotCarry) {
    for (std::string_view path : {"", "x", "/a b", "/a\tb", "/a\x7f", "/a#frag", "/\xc3\xa9", "*", "http://a/"}) {
        auto h = build({{":method", "GET"}, {":authority", "a"}, {":path", path}});
        EXPECT_FALSE(h->built) << path;
    }
    EXPECT_TRUE(build({{":method", "OPTIONS"}, {":authority", "a"}, {":path", "*"}})->built);
    EXPECT_TRUE(build({{":method", "GET"}, {":authority", "a"}, {":path", "/%20a?b=%7F"}})->built);
}

TEST(RequestFields, RecognisesConnect) {
    auto h = build({{":method", "CONNECT"}, {":authority", "a.example:443"}});
    EXPECT_TRUE(h->fields.is_connect());
    EXPECT_FALSE(h->built);  // not served: the connection answers 501
    EXPECT_FALSE(build(get_root)->fields.is_connect());
}

TEST(RequestFields, NeedsMethodAndPath) {
    EXPECT_FALSE(build({{":path", "/"}, {":authority", "a"}})->built);
    EXPECT_FALSE(build({{":method", "GET"}, {":authority", "a"}})->built);
}

}  // namespace
}  // namespace ringwall::http2
