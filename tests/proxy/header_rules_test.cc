// tests/proxy/header_rules_test.cc: hop-by-hop removal, X-Forwarded-*, Via, path rewriting.
#include "proxy/header_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "http1/request_parser.h"

namespace ringwall::proxy {
namespace {

// Parses `text` (a request head) and returns the parser, whose head() stays valid.
std::unique_ptr<http1::RequestParser> parse(std::string_view text) {
    auto parser = std::make_unique<http1::RequestParser>(http1::Limits{});
    const http1::Step step = parser->feed(text);
    EXPECT_EQ(step.progress, http1::Progress::head_done);
    return parser;
}

std::string forwarded(std::string_view text, const config::Route& route,
                      UpstreamFraming framing = UpstreamFraming::none, std::uint64_t length = 0) {
    auto parser = parse(text);
    std::string out;
    EXPECT_TRUE(append_upstream_request(out, UpstreamRequestInput{.head = &parser->head(),
                                                                  .route = &route,
                                                                  .client_address = "198.51.100.9",
                                                                  .scheme = "http",
                                                                  .fallback_host = "10.0.0.1:80",
                                                                  .framing = framing,
                                                                  .content_length = length}));
    return out;
}

TEST(HeaderRules, RemovesHopByHopAndFieldsNamedInConnection) {
    const config::Route route;
    const std::string out = forwarded(
        "GET /a?b=1 HTTP/1.1\r\nHost: h\r\nConnection: x-secret, keep-alive\r\nX-Secret: 1\r\n"
        "Keep-Alive: 5\r\nTE: trailers\r\nProxy-Connection: x\r\nX-Keep: yes\r\n\r\n",
        route);
    EXPECT_EQ(out,
              "GET /a?b=1 HTTP/1.1\r\nHost: h\r\nX-Keep: yes\r\nX-Forwarded-For: 198.51.100.9\r\n"
              "X-Forwarded-Proto: http\r\nX-Forwarded-Host: h\r\nVia: 1.1 ringwall\r\n\r\n");
}

TEST(HeaderRules, AsksForTheUpgradeOnlyWhenTold) {
    const config::Route route;
    const std::string_view head =
        "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, x-hop\r\nUpgrade: websocket\r\n"
        "X-Hop: 1\r\nSec-WebSocket-Key: k\r\n\r\n";
    const std::string plain = forwarded(head, route);
    EXPECT_EQ(plain.find("pgrade"), std::string::npos);  // neither Upgrade nor Connection: upgrade
    EXPECT_EQ(plain.find("X-Hop"), std::string::npos);

    auto parser = parse(head);
    std::string upgraded;
    ASSERT_TRUE(append_upstream_request(upgraded, UpstreamRequestInput{.head = &parser->head(),
                                                                       .route = &route,
                                                                       .client_address = "198.51.100.9",
                                                                       .upgrade = "websocket"}));
    EXPECT_NE(upgraded.find("\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"), std::string::npos);
    EXPECT_NE(upgraded.find("Sec-WebSocket-Key: k\r\n"), std::string::npos);
    EXPECT_EQ(upgraded.find("X-Hop"), std::string::npos);  // still hop-by-hop
}

TEST(HeaderRules, AppendsToForwardedForAndVia) {
    const config::Route route;
    const std::string out = forwarded(
        "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 192.0.2.1\r\nX-Forwarded-For: 192.0.2.2\r\n"
        "Via: 1.0 a\r\nX-Forwarded-Proto: https\r\n\r\n",
        route);
    EXPECT_NE(out.find("X-Forwarded-For: 192.0.2.1, 192.0.2.2, 198.51.100.9\r\n"), std::string::npos);
    EXPECT_NE(out.find("Via: 1.0 a, 1.1 ringwall\r\n"), std::string::npos);
    EXPECT_NE(out.find("X-Forwarded-Proto: http\r\n"), std::string::npos);
    EXPECT_EQ(out.find("https"), std::string::npos);
}

TEST(HeaderRules, ReframesTheBodyFromTheDecodedLength) {
    const config::Route route;
    const std::string chunked = forwarded(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", route,
        UpstreamFraming::chunked);
    EXPECT_NE(chunked.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    const std::string length = forwarded("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n",
                                         route, UpstreamFraming::content_length, 7);
    EXPECT_NE(length.find("Content-Length: 7\r\n"), std::string::npos);
    EXPECT_EQ(length.find("Transfer-Encoding"), std::string::npos);
}

TEST(HeaderRules, AppliesRequestOperationsButNeverToFraming) {
    config::Route route;
    route.request_headers.remove = {"x-drop"};
    route.request_headers.set = {{"X-Set", "new"}, {"Content-Length", "99"}};
    route.request_headers.add = {{"X-Add", "1"}};
    const std::string out = forwarded(
        "GET / HTTP/1.1\r\nHost: h\r\nX-Drop: a\r\nX-Set: old\r\n\r\n", route);
    EXPECT_EQ(out.find("X-Drop"), std::string::npos);
    EXPECT_EQ(out.find("old"), std::string::npos);
    EXPECT_NE(out.find("X-Set: new\r\n"), std::string::npos);
    EXPECT_NE(out.find("X-Add: 1\r\n"), std::string::npos);
    EXPECT_EQ(out.find("Content-Length"), std::string::npos);
}

TEST(HeaderRules, AddsHostForHttp10ClientsWithoutOne) {
    const config::Route route;
    const std::string out = forwarded("GET / HTTP/1.0\r\n\r\n", route);
    EXPECT_TRUE(out.starts_with("GET / HTTP/1.1\r\nHost: 10.0.0.1:80\r\n")) << out;
}

TEST(HeaderRules, RewritesPaths) {
    EXPECT_EQ(rewrite_path("/api/users", "/api", ""), "/users");
    EXPECT_EQ(rewrite_path("/api", "/api", ""), "/");
    EXPECT_EQ(rewrite_path("/api/users", "/api", "/v2"), "/v2/users");
    EXPECT_EQ(rewrite_path("/users", "", "/v2/"), "/v2/users");
    EXPECT_EQ(rewrite_path("/other", "/api", ""), "/other");
    EXPECT_EQ(rewrite_path("/apix", "/api", "/v1"), "/v1/x");
}

TEST(HeaderRules, ForwardsResponseFieldsWithoutHopByHopDateOrServer) {
    const std::vector<http1::Field> upstream = {
        {"Content-Type", "text/plain"}, {"Connection", "close, X-Hop"}, {"X-Hop", "1"},
        {"Date", "x"}, {"Server", "origin"}, {"Content-Length", "5"}, {"Via", "1.1 inner"},
        {"X-Remove", "1"}};
    config::HeaderOps ops;
    ops.remove = {"x-remove"};
    ops.add = {{"X-Add", "2"}};
    std::vector<http1::Field> out;
    std::string via;
    forward_response_fields(out, upstream, ops, false, via);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].name, "Content-Type");
    EXPECT_EQ(out[1].value, "1.1 inner, 1.1 ringwall");
    EXPECT_EQ(out[2].name, "X-Add");
    forward_response_fields(out, upstream, {}, true, via);
    EXPECT_TRUE(std::any_of(out.begin(), out.end(), [](const http1::Field& f) { return f.name == "Content-Length"; }));
}

TEST(HeaderRules, RefusesValuesTheSerializerRejects) {
    config::Route route;
    route.request_headers.set = {{"X-Bad", "a\r\nInjected: 1"}};
    auto parser = parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    std::string out;
    EXPECT_FALSE(append_upstream_request(
        out, UpstreamRequestInput{.head = &parser->head(), .route = &route, .client_address = "1.2.3.4",
                                  .scheme = "http", .fallback_host = "", .framing = UpstreamFraming::none,
                                  .content_length = 0}));
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace ringwall::proxy
