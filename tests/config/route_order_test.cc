// tests/config/route_order_test.cc: describe_route_order, the list `ringwall -t` prints.
#include <gtest/gtest.h>

#include <string>

#include "config/route_order.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::load_clean;

TEST(RouteOrder, ListsRoutesInFileOrderWithConditionsAndActions) {
    const Config config = load_clean(R"([[listeners]]
address = ":80"
[[routes]]
name = "api"
hosts = ["Example.com", "*.example.com"]
path_regex = "^/api/v[0-9]+/"
methods = ["GET", "HEAD"]
match_headers = { "X-Env" = "prod", "x-debug" = "" }
match_query = { "debug" = "1", "q[]" = "" }
proxy = "app"
strip_prefix = "/api"
add_prefix = "/v2"
[[routes]]
name = "old"
path = "/old"
redirect = { status = 301, location = "https://{host}/new" }
[[routes]]
proxy = "app"
path_prefix = "/static/"
[[routes]]
name = "hello \"world\""
respond = { status = 404 }
[[routes]]
name = "assets"
path_prefix = "/assets/"
strip_prefix = "/assets"
static.root = "/"
[[routes]]
name = "site"
static = { root = ".", index = [] }
[[upstreams]]
name = "app"
backends = [{ address = "127.0.0.1:9000" }]
)");
    EXPECT_EQ(describe_route_order(config),
              "1. \"api\": hosts example.com *.example.com, path regex \"^/api/v[0-9]+/\", "
              "methods GET HEAD, header x-env = \"prod\", header x-debug present, query debug = "
              "\"1\", query \"q[]\" present -> proxy \"app\", strip prefix \"/api\", add prefix "
              "\"/v2\"\n"
              "2. \"old\": any host, path \"/old\", any method -> redirect 301 "
              "\"https://{host}/new\"\n"
              "3. \"routes[2]\": any host, path prefix \"/static/\", any method -> proxy \"app\"\n"
              "4. \"hello \\\"world\\\"\": any host, path prefix \"/\", any method -> respond "
              "404\n"
              "5. \"assets\": any host, path prefix \"/assets/\", any method -> static root \"/\", "
              "strip prefix \"/assets\"\n"
              "6. \"site\": any host, path prefix \"/\", any method -> static root \".\"\n");
}

TEST(RouteOrder, SaysWhenThereAreNoRoutes) {
    const Config config = load_clean("[[listeners]]\naddress = \":80\"\n");
    EXPECT_EQ(describe_route_order(config), "no routes: every request gets 404\n");
}

TEST(RouteOrder, DescribesTheBundledDefault) {
    const Config config = load_clean(bundled_default_text());
    EXPECT_EQ(describe_route_order(config),
              "1. \"hello\": any host, path prefix \"/\", any method -> respond 200\n");
}

}  // namespace
}  // namespace ringwall::config
