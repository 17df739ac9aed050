// tests/config/route_test.cc: [[routes]] matching keys and the [routes.respond] handler.
#include <gtest/gtest.h>

#include <string>

#include "config/http_syntax.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::load_clean;
using Errors = std::vector<std::string>;

// One listener, then `routes`: route tables start on line 3.
constexpr std::string_view listener = "[[listeners]]\naddress = \":80\"\n";

Errors route_errors(std::string_view routes) {
    return errors_of(std::string(listener) + std::string(routes));
}

Config load_routes_clean(std::string_view routes) {
    return load_clean(std::string(listener) + std::string(routes));
}

TEST(Routes, ReadEveryKey) {
    const Config config = load_routes_clean(R"([[routes]]
name = "api"
hosts = ["Example.COM", "*.example.com", "127.0.0.1", "[::1]"]
path_prefix = "/api/"
methods = ["GET", "HEAD", "PURGE"]
[routes.respond]
status = 404
body = "nope\n"
headers = { "x-b" = "2", "Content-Type" = "text/plain; charset=utf-8", "a" = "1" }
[[routes]]
path = "/exact/%7Euser"
respond.status = 204
)");
    ASSERT_EQ(config.routes.size(), 2u);
    const Route& api = config.routes[0];
    EXPECT_EQ(api.name, "api");
    EXPECT_EQ(api.hosts,
              (std::vector<std::string>{"example.com", "*.example.com", "127.0.0.1", "[::1]"}));
    EXPECT_EQ(api.path, std::nullopt);
    EXPECT_EQ(api.path_prefix, "/api/");
    EXPECT_EQ(api.methods, (std::vector<std::string>{"GET", "HEAD", "PURGE"}));
    EXPECT_EQ(api.respond.status, 404);
    EXPECT_EQ(api.respond.body, "nope\n");
    // File order, not the key order toml++ keeps.
    EXPECT_EQ(api.respond.headers,
              (std::vector<Header>{
                  {"x-b", "2"}, {"Content-Type", "text/plain; charset=utf-8"}, {"a", "1"}}));
    const Route& exact = config.routes[1];
    EXPECT_EQ(exact.name, "routes[1]");
    EXPECT_EQ(exact.path, "/exact/%7Euser");
    EXPECT_EQ(exact.path_prefix, "/");
    EXPECT_TRUE(exact.hosts.empty());
    EXPECT_TRUE(exact.methods.empty());
    EXPECT_EQ(exact.respond, (Respond{204, {}, ""}));
}

TEST(Routes, RequireARespondTable) {
    EXPECT_EQ(route_errors("[[routes]]\nname = \"a\"\n"),
              Errors{"t.toml:3:1: routes[0].respond: missing; every route needs a [routes.respond] "
                     "table"});
    EXPECT_EQ(route_errors("[[routes]]\nrespond = 200\n"),
              Errors{"t.toml:4:11: routes[0].respond: expected a table, got integer"});
}

TEST(Routes, ReportUnknownKeysAtEveryLevel) {
    EXPECT_EQ(route_errors("[[routes]]\npath_prefx = \"/\"\nmethod = [\"GET\"]\n[routes.respond]\n"
                           "stauts = 200\nheader = {}\n"),
              (Errors{"t.toml:4:1: routes[0].path_prefx: unknown key \"path_prefx\"; did you mean "
                      "\"path_prefix\"?",
                      "t.toml:5:1: routes[0].method: unknown key \"method\"; did you mean "
                      "\"methods\"?",
                      "t.toml:7:1: routes[0].respond.stauts: unknown key \"stauts\"; did you mean "
                      "\"status\"?",
                      "t.toml:8:1: routes[0].respond.header: unknown key \"header\"; did you mean "
                      "\"headers\"?"}));
}

TEST(Routes, RefuseDuplicateNames) {
    EXPECT_EQ(route_errors("[[routes]]\nname = \"a\"\nrespond = {}\n[[routes]]\nrespond = {}\n"
                           "[[routes]]\nname = \"a\"\nrespond = {}\n[[routes]]\n"
                           "name = \"routes[1]\"\nrespond = {}\n"),
              (Errors{"t.toml:9:8: routes[2].name: duplicate route name \"a\"; routes[0] (line 4) "
                      "has it already",
                      "t.toml:12:8: routes[3].name: duplicate route name \"routes[1]\"; routes[1] "
                      "(line 6) has it already"}));
    EXPECT_EQ(route_errors("[[routes]]\nname = \"\"\nrespond = {}\n[[routes]]\nname = \"a\\nb\"\n"
                           "respond = {}\n"),
              (Errors{"t.toml:4:8: routes[0].name: a route name must be non-empty text without "
                      "control characters",
                      "t.toml:7:8: routes[1].name: a route name must be non-empty text without "
                      "control characters"}));
}

TEST(Routes, CheckHosts) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
hosts = ["", "*", "a.*.com", "example.com:80", "example.com.", "-a.com", "a_b.com", "[::1", "::1"]
respond = {}
[[routes]]
hosts = "example.com"
respond = {}
[[routes]]
hosts = [1]
respond = {}
)"),
        (Errors{"t.toml:4:10: routes[0].hosts[0]: host is empty",
                "t.toml:4:14: routes[0].hosts[1]: \"*\" is not a host; leave out hosts to "
                "match every host",
                "t.toml:4:19: routes[0].hosts[2]: host \"a.*.com\": a wildcard is only "
                "allowed as a leading \"*.\", as in \"*.example.com\"",
                "t.toml:4:30: routes[0].hosts[3]: host \"example.com:80\" must not include a "
                "port (hosts match whatever the port) nor be an unbracketed IPv6 address",
                "t.toml:4:48: routes[0].hosts[4]: host \"example.com.\" must not end with a "
                "dot",
                "t.toml:4:64: routes[0].hosts[5]: host \"-a.com\" has a label starting or "
                "ending with '-'",
                "t.toml:4:74: routes[0].hosts[6]: host \"a_b.com\" contains \"_\"; host names "
                "hold letters, digits, '-' and '.'",
                "t.toml:4:85: routes[0].hosts[7]: host \"[::1\" is not a valid bracketed IPv6 "
                "address",
                "t.toml:4:93: routes[0].hosts[8]: host \"::1\" must not include a port (hosts "
                "match whatever the port) nor be an unbracketed IPv6 address",
                "t.toml:7:9: routes[1].hosts: expected an array of strings like "
                "[\"example.com\"], got string",
                "t.toml:10:10: routes[2].hosts[0]: expected a string, got integer"}));
}

TEST(Routes, CheckPaths) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
path = "api"
path_prefix = "/a b"
respond = {}
[[routes]]
path_prefix = "/x?y=1"
respond = {}
[[routes]]
path = "/%zz"
respond = {}
[[routes]]
path = "/a/../b"
respond = {}
[[routes]]
path = "/caf\u00e9"
respond = {}
[[routes]]
path = "/a"
path_prefix = "/b"
respond = {}
)"),
        (Errors{"t.toml:4:8: routes[0].path: must start with \"/\", got \"api\"",
                "t.toml:5:15: routes[0].path_prefix: character \" \" is not allowed in a "
                "path; percent-encode it as \"%20\"",
                "t.toml:5:15: routes[0].path_prefix: \"path\" and \"path_prefix\" cannot both "
                "be set: a route matches either one exact path or a prefix",
                "t.toml:8:15: routes[1].path_prefix: must not contain a query (\"?\"); routes "
                "match the path only",
                "t.toml:11:8: routes[2].path: \"%\" must be followed by two hex digits in "
                "\"/%zz\"",
                "t.toml:14:8: routes[3].path: must not contain a \"..\" segment; requests are "
                "matched after their path is normalized",
                "t.toml:17:8: routes[4].path: byte 0xC3 is not allowed in a path; "
                "percent-encode it as \"%C3\"",
                "t.toml:21:15: routes[5].path_prefix: \"path\" and \"path_prefix\" cannot "
                "both be set: a route matches either one exact path or a prefix"}));
}

TEST(Routes, CheckMethods) {
    EXPECT_EQ(
        route_errors("[[routes]]\nmethods = [\"get\", \"GE T\", \"\", \"Post\"]\nrespond = {}\n"),
        (Errors{"t.toml:4:12: routes[0].methods[0]: method \"get\" must be uppercase; did you "
                "mean \"GET\"?",
                "t.toml:4:19: routes[0].methods[1]: method \"GE T\" is not a valid token",
                "t.toml:4:27: routes[0].methods[2]: method \"\" is not a valid token",
                "t.toml:4:31: routes[0].methods[3]: method \"Post\" must be uppercase; did "
                "you mean \"POST\"?"}));
}

TEST(Respond, ChecksStatus) {
    for (int ok : {200, 204, 299, 404, 599}) {
        EXPECT_EQ(load_routes_clean("[[routes]]\nrespond.status = " + std::to_string(ok) + "\n")
                      .routes.at(0)
                      .respond.status,
                  ok);
    }
    EXPECT_EQ(route_errors("[[routes]]\nrespond.status = 99\n"),
              Errors{"t.toml:4:18: routes[0].respond.status: must be between 200 and 599, got 99"});
    EXPECT_EQ(
        route_errors("[[routes]]\nrespond.status = 600\n"),
        Errors{"t.toml:4:18: routes[0].respond.status: must be between 200 and 599, got 600"});
    EXPECT_EQ(route_errors("[[routes]]\nrespond.status = 101\n"),
              Errors{"t.toml:4:18: routes[0].respond.status: must be between 200 and 599, got 101"});
    EXPECT_EQ(route_errors("[[routes]]\nrespond.status = \"200\"\n"),
              Errors{"t.toml:4:18: routes[0].respond.status: expected an integer, got string"});
}

TEST(Respond, RefusesABodyWhereHttpForbidsOne) {
    EXPECT_EQ(route_errors("[[routes]]\n[routes.respond]\nbody = \"x\"\nstatus = 204\n"
                           "[[routes]]\nrespond = { status = 304, body = \"y\" }\n"
                           "[[routes]]\nrespond = { status = 204, body = \"\" }\n"),
              (Errors{"t.toml:5:8: routes[0].respond.body: a 204 response cannot have a body",
                      "t.toml:8:34: routes[1].respond.body: a 304 response cannot have a body"}));
}

TEST(Respond, ChecksHeaders) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
[routes.respond]
headers = { "x y" = "1", "Content-Length" = "5", "transfer-encoding" = "chunked" }
[[routes]]
respond.headers = { "Connection" = "close", "keep-alive" = "5", "upgrade" = "h2c", "x" = 5 }
[[routes]]
respond.headers = { "a" = "1\r\nb: 2", "b" = " padded", "c" = "nul\u0000", "d" = "\u0001" }
[[routes]]
respond.headers = { "X-A" = "1", "x-a" = "2", "ok" = "tab\tinside é" }
[[routes]]
respond.headers = "x: 1"
)"),
        (Errors{"t.toml:5:13: routes[0].respond.headers.\"x y\": header name \"x y\" is not a "
                "valid token",
                "t.toml:5:26: routes[0].respond.headers.Content-Length: header "
                "\"Content-Length\" is not allowed: the server frames the body itself",
                "t.toml:5:50: routes[0].respond.headers.transfer-encoding: header "
                "\"transfer-encoding\" is not allowed: the server frames the body itself",
                "t.toml:7:21: routes[1].respond.headers.Connection: header \"Connection\" is "
                "not allowed: the server manages the connection itself",
                "t.toml:7:45: routes[1].respond.headers.keep-alive: header \"keep-alive\" is "
                "not allowed: the server manages the connection itself",
                "t.toml:7:65: routes[1].respond.headers.upgrade: header \"upgrade\" is not "
                "allowed: the server manages the connection itself",
                "t.toml:7:90: routes[1].respond.headers.x: expected a string, got integer",
                "t.toml:9:27: routes[2].respond.headers.a: header value must not contain "
                "control characters (found CR)",
                "t.toml:9:46: routes[2].respond.headers.b: header value must not start or "
                "end with whitespace",
                "t.toml:9:63: routes[2].respond.headers.c: header value must not contain "
                "control characters (found NUL)",
                "t.toml:9:82: routes[2].respond.headers.d: header value must not contain "
                "control characters (found byte 0x01)",
                "t.toml:11:34: routes[3].respond.headers.x-a: duplicate header \"x-a\" (names "
                "ignore case; line 11 has it already)",
                "t.toml:13:19: routes[4].respond.headers: expected a table, got string"}));
}

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

}  // namespace
}  // namespace ringwall::config
