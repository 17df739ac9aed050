// tests/config/route_test.cc: [[routes]] names, match conditions and the one-action rule.
#include <gtest/gtest.h>

#include <string>

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

TEST(Routes, RequireExactlyOneAction) {
    EXPECT_EQ(route_errors("[[routes]]\nname = \"a\"\n"),
              Errors{"t.toml:3:1: routes[0]: a route needs exactly one of respond, proxy, "
                     "redirect, static"});
    EXPECT_EQ(route_errors("[[routes]]\nrespond = 200\n"),
              Errors{"t.toml:4:11: routes[0].respond: expected a table, got integer"});
    // The first action written is the route's; each other one is reported where it is.
    EXPECT_EQ(route_errors(R"([[routes]]
redirect.location = "/"
proxy = "app"
[routes.respond]
status = 200
[[upstreams]]
name = "app"
backends = [{ address = "127.0.0.1:9000" }]
)"),
              (Errors{"t.toml:5:9: routes[0].proxy: a route needs exactly one of respond, proxy, "
                      "redirect, static; it already has redirect (line 4)",
                      "t.toml:6:1: routes[0].respond: a route needs exactly one of respond, proxy, "
                      "redirect, static; it already has redirect (line 4)"}));
    EXPECT_EQ(route_errors("[[routes]]\nstatic.root = \"/\"\nrespond = {}\n"),
              Errors{"t.toml:5:11: routes[0].respond: a route needs exactly one of respond, "
                     "proxy, redirect, static; it already has static (line 4)"});
    const Config config = load_routes_clean(R"([[routes]]
respond = {}
[[routes]]
redirect.location = "/"
[[routes]]
proxy = "app"
[[routes]]
static.root = "/"
[[upstreams]]
name = "app"
backends = [{ address = "127.0.0.1:9000" }]
)");
    ASSERT_EQ(config.routes.size(), 4u);
    EXPECT_EQ(config.routes[0].action, Action::respond);
    EXPECT_EQ(config.routes[1].action, Action::redirect);
    EXPECT_EQ(config.routes[2].action, Action::proxy);
    EXPECT_EQ(config.routes[3].action, Action::static_files);
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
                "be set: a route matches one exact path, a prefix or a regular expression",
                "t.toml:8:15: routes[1].path_prefix: must not contain a query (\"?\"); routes "
                "match the path only",
                "t.toml:11:8: routes[2].path: \"%\" must be followed by two hex digits in "
                "\"/%zz\"",
                "t.toml:14:8: routes[3].path: must not contain a \"..\" segment; requests are "
                "matched after their path is normalized",
                "t.toml:17:8: routes[4].path: byte 0xC3 is not allowed in a path; "
                "percent-encode it as \"%C3\"",
                "t.toml:21:15: routes[5].path_prefix: \"path\" and \"path_prefix\" cannot "
                "both be set: a route matches one exact path, a prefix or a regular "
                "expression"}));
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

TEST(Routes, CompilePathRegexWithPcre2) {
    const Config config = load_routes_clean(R"([[routes]]
path_regex = "^/api/v[0-9]+/(users|groups)/\\d+$"
respond = {}
[[routes]]
path_regex = '\.(?:css|js)$'
respond = {}
)");
    ASSERT_EQ(config.routes.size(), 2u);
    EXPECT_EQ(config.routes[0].path_regex, "^/api/v[0-9]+/(users|groups)/\\d+$");
    EXPECT_EQ(config.routes[0].path, std::nullopt);
    EXPECT_EQ(config.routes[0].path_prefix, "/");
    EXPECT_EQ(config.routes[1].path_regex, "\\.(?:css|js)$");
    EXPECT_EQ(load_routes_clean("[[routes]]\nrespond = {}\n").routes.at(0).path_regex,
              std::nullopt);
}

TEST(Routes, ReportPcre2ErrorsWithTheColumnInThePattern) {
    EXPECT_EQ(
        route_errors(R"toml([[routes]]
path_regex = "^/(api"
respond = {}
[[routes]]
path_regex = "/[z-a]"
respond = {}
[[routes]]
path_regex = "/é+?*x"
respond = {}
[[routes]]
path_regex = "(?<n>a)(?<n>b)"
respond = {}
[[routes]]
path_regex = ""
respond = {}
[[routes]]
path_regex = ["^/"]
respond = {}
)toml"),
        (Errors{"t.toml:4:14: routes[0].path_regex: invalid regular expression at column 7 of the "
                "pattern: missing closing parenthesis",
                "t.toml:7:14: routes[1].path_regex: invalid regular expression at column 5 of the "
                "pattern: range out of order in character class",
                "t.toml:10:14: routes[2].path_regex: invalid regular expression at column 5 of "
                "the pattern: quantifier does not follow a repeatable item",
                "t.toml:13:14: routes[3].path_regex: invalid regular expression at column 13 of "
                "the pattern: two named subpatterns have the same name (PCRE2_DUPNAMES not set)",
                "t.toml:16:14: routes[4].path_regex: must not be empty; leave out path_regex to "
                "match every path",
                "t.toml:19:14: routes[5].path_regex: expected a string, got array"}));
}

TEST(Routes, AllowOnePathCondition) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
path_regex = "^/a"
path = "/a"
respond = {}
[[routes]]
path_prefix = "/a"
path_regex = "^/a"
path = "/b"
respond = {}
)"),
        (Errors{"t.toml:5:8: routes[0].path: \"path_regex\" and \"path\" cannot both be set: a "
                "route matches one exact path, a prefix or a regular expression",
                "t.toml:9:14: routes[1].path_regex: \"path_prefix\" and \"path_regex\" cannot both "
                "be set: a route matches one exact path, a prefix or a regular expression",
                "t.toml:10:8: routes[1].path: \"path_prefix\" and \"path\" cannot both be set: a "
                "route matches one exact path, a prefix or a regular expression"}));
}

TEST(Routes, ReadHeaderAndQueryConditions) {
    const Config config = load_routes_clean(R"([[routes]]
match_headers = { "X-Env" = "prod", "x-debug" = "", "accept" = "text/html; q=0.9" }
match_query = { "debug" = "1", "Flag" = "", "a%20b" = "x+y=z/?", "q[]" = "%C3%BC" }
respond = {}
[[routes]]
respond = {}
)");
    ASSERT_EQ(config.routes.size(), 2u);
    // Header names lowercased, query names as written (not decoded); both in file order.
    EXPECT_EQ(config.routes[0].match_headers,
              (std::vector<Header>{
                  {"x-env", "prod"}, {"x-debug", ""}, {"accept", "text/html; q=0.9"}}));
    EXPECT_EQ(config.routes[0].match_query,
              (std::vector<Header>{
                  {"debug", "1"}, {"Flag", ""}, {"a%20b", "x+y=z/?"}, {"q[]", "%C3%BC"}}));
    EXPECT_TRUE(config.routes[1].match_headers.empty());
    EXPECT_TRUE(config.routes[1].match_query.empty());
}

TEST(Routes, CheckHeaderConditions) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
match_headers = { "X-Env" = "prod", "x-env" = "dev", "a b" = "", "x-c" = "\u0001", "x-d" = 1 }
respond = {}
[[routes]]
match_headers = { "x-e" = " padded", "x-f" = "a\nb" }
respond = {}
[[routes]]
match_headers = "x-env: prod"
respond = {}
)"),
        (Errors{"t.toml:4:37: routes[0].match_headers.x-env: duplicate header \"x-env\" (names "
                "ignore case; line 4 has it already)",
                "t.toml:4:54: routes[0].match_headers.\"a b\": header name \"a b\" is not a valid "
                "token",
                "t.toml:4:74: routes[0].match_headers.x-c: header value must not contain control "
                "characters (found byte 0x01)",
                "t.toml:4:92: routes[0].match_headers.x-d: expected a string, got integer",
                "t.toml:7:27: routes[1].match_headers.x-e: header value must not start or end "
                "with whitespace",
                "t.toml:7:46: routes[1].match_headers.x-f: header value must not contain control "
                "characters (found LF)",
                "t.toml:10:17: routes[2].match_headers: expected a table, got string"}));
}

TEST(Routes, CheckQueryConditions) {
    // The query is compared as the request carries it: text it cannot hold never matches.
    EXPECT_EQ(
        route_errors(R"([[routes]]
match_query = { "" = "1", "a" = "\n", "b" = 2, "c\u0001" = "", "d=e" = "", "f" = "g&h" }
respond = {}
[[routes]]
match_query = { "a b" = "", "é" = "", "x" = "tab\t", "y" = "#top", "z" = "a=b" }
respond = {}
[[routes]]
match_query = ["debug"]
respond = {}
)"),
        (Errors{"t.toml:4:17: routes[0].match_query.\"\": a query parameter name must not be "
                "empty",
                "t.toml:4:33: routes[0].match_query.a: byte 0x0A is not allowed in a query "
                "parameter value; percent-encode it as \"%0A\"",
                "t.toml:4:45: routes[0].match_query.b: expected a string, got integer",
                "t.toml:4:48: routes[0].match_query.\"c\\u0001\": byte 0x01 is not allowed in a "
                "query parameter name; percent-encode it as \"%01\"",
                "t.toml:4:64: routes[0].match_query.\"d=e\": character \"=\" is not allowed in a "
                "query parameter name; percent-encode it as \"%3D\"",
                "t.toml:4:82: routes[0].match_query.f: character \"&\" is not allowed in a query "
                "parameter value; percent-encode it as \"%26\"",
                "t.toml:7:17: routes[1].match_query.\"a b\": character \" \" is not allowed in a "
                "query parameter name; percent-encode it as \"%20\"",
                "t.toml:7:29: routes[1].match_query.\"é\": byte 0xC3 is not allowed in a query "
                "parameter name; percent-encode it as \"%C3\"",
                "t.toml:7:45: routes[1].match_query.x: byte 0x09 is not allowed in a query "
                "parameter value; percent-encode it as \"%09\"",
                "t.toml:7:60: routes[1].match_query.y: character \"#\" is not allowed in a query "
                "parameter value; percent-encode it as \"%23\"",
                "t.toml:10:15: routes[2].match_query: expected a table, got array"}));
    EXPECT_EQ(load_routes_clean("[[routes]]\nmatch_query = { \"z\" = \"a=b\", \"%zz\" = \"[\\\"]\" }\n"
                                "respond = {}\n")
                  .routes.at(0)
                  .match_query,
              (std::vector<Header>{{"z", "a=b"}, {"%zz", "[\"]"}}));
}

}  // namespace
}  // namespace ringwall::config
