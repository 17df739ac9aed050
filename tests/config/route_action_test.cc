// tests/config/route_action_test.cc: a route's action (respond, proxy, redirect) and its
// header operations.
#include <gtest/gtest.h>

#include <string>

#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::load_clean;
using Errors = std::vector<std::string>;

// One listener, then `routes` (route tables start on line 3), then an upstream "app" that
// proxy routes may name.
constexpr std::string_view listener = "[[listeners]]\naddress = \":80\"\n";
constexpr std::string_view app =
    "\n[[upstreams]]\nname = \"app\"\nbackends = [{ address = \"127.0.0.1:9000\" }]\n";

Errors route_errors(std::string_view routes) {
    return errors_of(std::string(listener) + std::string(routes) + std::string(app));
}

Config load_routes_clean(std::string_view routes) {
    return load_clean(std::string(listener) + std::string(routes) + std::string(app));
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

TEST(Proxy, ReadsTheUpstreamAndPrefixes) {
    const Config config = load_routes_clean(R"([[routes]]
path_prefix = "/api/"
proxy = "app"
strip_prefix = "/api"
add_prefix = "/v2"
[[routes]]
proxy = "app"
strip_prefix = ""
)");
    ASSERT_EQ(config.routes.size(), 2u);
    const Route& api = config.routes[0];
    EXPECT_EQ(api.action, Action::proxy);
    EXPECT_EQ(api.proxy, "app");
    EXPECT_EQ(api.strip_prefix, "/api");
    EXPECT_EQ(api.add_prefix, "/v2");
    EXPECT_EQ(api.respond, Respond{});
    EXPECT_EQ(api.redirect, Redirect{});
    const Route& plain = config.routes[1];
    EXPECT_EQ(plain.strip_prefix, "");
    EXPECT_EQ(plain.add_prefix, "");
    EXPECT_EQ(plain.request_headers, HeaderOps{});
    EXPECT_EQ(plain.response_headers, HeaderOps{});
}

TEST(Proxy, MustNameAnUpstream) {
    EXPECT_EQ(route_errors(R"([[routes]]
proxy = "ap"
[[routes]]
proxy = "nothing-like-it"
[[routes]]
proxy = "App"
[[routes]]
proxy = 1
[[upstreams]]
name = "static"
backends = [{ address = "127.0.0.1:9001" }]
)"),
              (Errors{"t.toml:4:9: routes[0].proxy: no upstream named \"ap\"; did you mean "
                      "\"app\"? (upstreams: \"static\", \"app\")",
                      "t.toml:6:9: routes[1].proxy: no upstream named \"nothing-like-it\" "
                      "(upstreams: \"static\", \"app\")",
                      "t.toml:8:9: routes[2].proxy: no upstream named \"App\"; did you mean "
                      "\"app\"? (upstreams: \"static\", \"app\")",
                      "t.toml:10:9: routes[3].proxy: expected a string, got integer"}));
    // Without any upstream, the message says what to add.
    EXPECT_EQ(errors_of(std::string(listener) + "[[routes]]\nproxy = \"app\"\n"),
              Errors{"t.toml:4:9: routes[0].proxy: no upstream named \"app\"; add an "
                     "[[upstreams]] table with name = \"app\""});
    // An upstream whose name is refused is not one a route can name.
    EXPECT_EQ(errors_of(std::string(listener) +
                        "[[routes]]\nproxy = \"Web\"\n[[upstreams]]\nname = \"Web\"\n"
                        "backends = [{ address = \"127.0.0.1:9000\" }]\n"),
              (Errors{"t.toml:4:9: routes[0].proxy: no upstream named \"Web\"; add an "
                      "[[upstreams]] table with name = \"Web\"",
                      "t.toml:6:8: upstreams[0].name: upstream name \"Web\" may hold only "
                      "lowercase letters, digits, '_' and '-'; did you mean \"web\"?"}));
}

TEST(Proxy, OwnsStripAndAddPrefixAndRequestHeaders) {
    EXPECT_EQ(route_errors(R"([[routes]]
respond = {}
strip_prefix = "/api"
[[routes]]
add_prefix = "/v2"
redirect.location = "/"
[[routes]]
respond = {}
request_headers.set = { "x-a" = "1" }
response_headers.set = { "x-b" = "2" }
[[routes]]
redirect.location = "/"
response_headers.remove = ["server"]
[[routes]]
strip_prefix = "/api"
)"),
              (Errors{"t.toml:5:16: routes[0].strip_prefix: only allowed in a route with proxy "
                      "or static; this route has respond",
                      "t.toml:7:14: routes[1].add_prefix: only allowed in a route with proxy; "
                      "this route has redirect",
                      "t.toml:11:1: routes[2].request_headers: only allowed in a route with "
                      "proxy; this route has respond",
                      "t.toml:16:1: routes[4]: a route needs exactly one of respond, proxy, "
                      "redirect, static"}));
}

TEST(Proxy, ChecksPrefixes) {
    EXPECT_EQ(route_errors(R"([[routes]]
proxy = "app"
strip_prefix = "api"
add_prefix = "/a b"
[[routes]]
proxy = "app"
strip_prefix = "/a/../b"
add_prefix = 2
)"),
              (Errors{"t.toml:5:16: routes[0].strip_prefix: must start with \"/\", got \"api\"",
                      "t.toml:6:14: routes[0].add_prefix: character \" \" is not allowed in a "
                      "path; percent-encode it as \"%20\"",
                      "t.toml:9:16: routes[1].strip_prefix: must not contain a \"..\" segment; "
                      "requests are matched after their path is normalized",
                      "t.toml:10:14: routes[1].add_prefix: expected a string, got integer"}));
}

TEST(Redirect, ReadsStatusAndLocation) {
    const Config config = load_routes_clean(R"([[routes]]
[routes.redirect]
location = "https://{host}{request_uri}"
[[routes]]
redirect = { status = 308, location = "{scheme}://example.com{path}?{query}" }
)");
    ASSERT_EQ(config.routes.size(), 2u);
    EXPECT_EQ(config.routes[0].action, Action::redirect);
    EXPECT_EQ(config.routes[0].redirect, (Redirect{302, "https://{host}{request_uri}"}));
    EXPECT_EQ(config.routes[1].redirect,
              (Redirect{308, "{scheme}://example.com{path}?{query}"}));
    for (int status : {301, 302, 303, 307, 308}) {
        EXPECT_EQ(load_routes_clean("[[routes]]\nredirect = { status = " + std::to_string(status) +
                                    ", location = \"/\" }\n")
                      .routes.at(0)
                      .redirect.status,
                  status);
    }
}

TEST(Redirect, ChecksStatus) {
    EXPECT_EQ(route_errors(R"([[routes]]
redirect = { status = 304, location = "/" }
[[routes]]
redirect = { status = 200, location = "/" }
[[routes]]
redirect = { status = "301", location = "/" }
)"),
              (Errors{"t.toml:4:23: routes[0].redirect.status: must be 301, 302, 303, 307 or 308, "
                      "got 304",
                      "t.toml:6:23: routes[1].redirect.status: must be 301, 302, 303, 307 or 308, "
                      "got 200",
                      "t.toml:8:23: routes[2].redirect.status: expected an integer, got "
                      "string"}));
}

TEST(Redirect, ChecksLocation) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
redirect = { location = "" }
[[routes]]
redirect = { location = "/a\r\nSet-Cookie: x=1" }
[[routes]]
redirect = { location = "/a\nb" }
[[routes]]
redirect = { location = "https://{hots}/" }
[[routes]]
redirect = { location = "/{uri}" }
[[routes]]
redirect = { location = "/{}" }
[[routes]]
redirect = { location = "/é{path" }
[[routes]]
redirect = { location = "/{path}}" }
[[routes]]
redirect = { status = 301 }
[[routes]]
redirect = { location = ["/"], code = 301 }
)"),
        (Errors{"t.toml:4:25: routes[0].redirect.location: must not be empty",
                "t.toml:6:25: routes[1].redirect.location: must not contain control characters "
                "(found CR)",
                "t.toml:8:25: routes[2].redirect.location: must not contain control characters "
                "(found LF)",
                "t.toml:10:25: routes[3].redirect.location: unknown placeholder \"{hots}\"; did "
                "you mean \"{host}\"? (placeholders: {scheme}, {host}, {path}, {query}, "
                "{request_uri})",
                "t.toml:12:25: routes[4].redirect.location: unknown placeholder \"{uri}\" "
                "(placeholders: {scheme}, {host}, {path}, {query}, {request_uri})",
                "t.toml:14:25: routes[5].redirect.location: unknown placeholder \"{}\" "
                "(placeholders: {scheme}, {host}, {path}, {query}, {request_uri})",
                "t.toml:16:25: routes[6].redirect.location: unclosed \"{\" at column 3 of the "
                "location; write \"%7B\" for a literal brace",
                "t.toml:18:25: routes[7].redirect.location: unmatched \"}\" at column 8 of the "
                "location; write \"%7D\" for a literal brace",
                "t.toml:20:12: routes[8].redirect.location: missing; a redirect needs a location "
                "such as \"https://{host}{request_uri}\"",
                "t.toml:22:25: routes[9].redirect.location: expected a string, got array",
                "t.toml:22:32: routes[9].redirect.code: unknown key \"code\""}));
}

TEST(HeaderOps, ReadAddSetAndRemove) {
    const Config config = load_routes_clean(R"([[routes]]
proxy = "app"
[routes.request_headers]
add = { "X-Forwarded-Prefix" = "/api", "x-b" = "" }
set = { "Host" = "internal.example", "x-tab" = "a\tb" }
remove = ["Cookie", "x-debug"]
[routes.response_headers]
remove = ["Server"]
set = { "cache-control" = "no-store" }
add = { "host" = "fine in a response" }
[[routes]]
redirect.location = "/"
response_headers = { add = { "x-r" = "1" } }
)");
    ASSERT_EQ(config.routes.size(), 2u);
    const Route& proxy = config.routes[0];
    // add and set keep their names as written; remove holds lowercase names.
    EXPECT_EQ(proxy.request_headers,
              (HeaderOps{{{"X-Forwarded-Prefix", "/api"}, {"x-b", ""}},
                         {{"Host", "internal.example"}, {"x-tab", "a\tb"}},
                         {"cookie", "x-debug"}}));
    EXPECT_EQ(proxy.response_headers, (HeaderOps{{{"host", "fine in a response"}},
                                                 {{"cache-control", "no-store"}},
                                                 {"server"}}));
    EXPECT_EQ(config.routes[1].response_headers, (HeaderOps{{{"x-r", "1"}}, {}, {}}));
}

TEST(HeaderOps, RefuseFieldsTheServerOwns) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
proxy = "app"
[routes.request_headers]
add = { "host" = "x", "Connection" = "close", "transfer-encoding" = "chunked" }
set = { "te" = "trailers", "Content-Length" = "0", "upgrade" = "h2c" }
remove = ["HOST"]
[routes.response_headers]
add = { "keep-alive" = "5" }
set = { "proxy-connection" = "close" }
remove = ["host"]
)"),
        (Errors{"t.toml:6:9: routes[0].request_headers.add.host: header \"host\" cannot be added: "
                "a request has one Host; use set to replace it",
                "t.toml:6:23: routes[0].request_headers.add.Connection: header \"Connection\" is "
                "not allowed: the server manages the connection itself",
                "t.toml:6:47: routes[0].request_headers.add.transfer-encoding: header "
                "\"transfer-encoding\" is not allowed: the server frames the body itself",
                "t.toml:7:9: routes[0].request_headers.set.te: header \"te\" is not allowed: the "
                "server manages the connection itself",
                "t.toml:7:28: routes[0].request_headers.set.Content-Length: header "
                "\"Content-Length\" is not allowed: the server frames the body itself",
                "t.toml:7:52: routes[0].request_headers.set.upgrade: header \"upgrade\" is not "
                "allowed: the server manages the connection itself",
                "t.toml:8:11: routes[0].request_headers.remove[0]: header \"HOST\" cannot be "
                "removed: a request needs a Host; use set to replace it",
                "t.toml:10:9: routes[0].response_headers.add.keep-alive: header \"keep-alive\" is "
                "not allowed: the server manages the connection itself",
                "t.toml:11:9: routes[0].response_headers.set.proxy-connection: header "
                "\"proxy-connection\" is not allowed: the server manages the connection "
                "itself"}));
}

TEST(HeaderOps, GiveEachNameToOneList) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
proxy = "app"
[routes.request_headers]
add = { "x-a" = "1", "X-A" = "2" }
set = { "x-A" = "3", "x-b" = "4" }
remove = ["X-B", "x-c", "X-C"]
)"),
        (Errors{"t.toml:6:22: routes[0].request_headers.add.X-A: duplicate header \"X-A\" (names "
                "ignore case; line 6 has it already)",
                "t.toml:7:9: routes[0].request_headers.set.x-A: header \"x-A\" is also in add "
                "(line 6); give each name to only one of add, set and remove",
                "t.toml:8:11: routes[0].request_headers.remove[0]: header \"X-B\" is also in set "
                "(line 7); give each name to only one of add, set and remove",
                "t.toml:8:25: routes[0].request_headers.remove[2]: duplicate header \"X-C\" "
                "(names ignore case; line 8 has it already)"}));
}

TEST(HeaderOps, CheckNamesValuesTypesAndKeys) {
    EXPECT_EQ(
        route_errors(R"([[routes]]
proxy = "app"
[routes.request_headers]
add = { "x y" = "1", "x-v" = " pad", "x-n" = 1 }
set = ["x-a"]
remove = ["a b", 5, ""]
delete = ["x"]
[routes.response_headers]
sets = {}
remove = "server"
)"),
        (Errors{"t.toml:6:9: routes[0].request_headers.add.\"x y\": header name \"x y\" is not a "
                "valid token",
                "t.toml:6:30: routes[0].request_headers.add.x-v: header value must not start or "
                "end with whitespace",
                "t.toml:6:46: routes[0].request_headers.add.x-n: expected a string, got integer",
                "t.toml:7:7: routes[0].request_headers.set: expected a table, got array",
                "t.toml:8:11: routes[0].request_headers.remove[0]: header name \"a b\" is not a "
                "valid token",
                "t.toml:8:18: routes[0].request_headers.remove[1]: expected a string, got integer",
                "t.toml:8:21: routes[0].request_headers.remove[2]: header name \"\" is not a "
                "valid token",
                "t.toml:9:1: routes[0].request_headers.delete: unknown key \"delete\"",
                "t.toml:11:1: routes[0].response_headers.sets: unknown key \"sets\"; did you "
                "mean \"set\"?",
                "t.toml:12:10: routes[0].response_headers.remove: expected an array of header "
                "names like [\"x-powered-by\"], got string"}));
}

}  // namespace
}  // namespace ringwall::config
