// tests/config/upstream_test.cc: [[upstreams]], their backends and policies.
#include <gtest/gtest.h>

#include <string>

#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::load_clean;
using Errors = std::vector<std::string>;

// One listener, then `upstreams`: upstream tables start on line 3.
constexpr std::string_view listener = "[[listeners]]\naddress = \":80\"\n";

Errors upstream_errors(std::string_view upstreams) {
    return errors_of(std::string(listener) + std::string(upstreams));
}

Config load_upstreams_clean(std::string_view upstreams) {
    return load_clean(std::string(listener) + std::string(upstreams));
}

TEST(Upstreams, FillDefaults) {
    const Config config = load_upstreams_clean(
        "[[upstreams]]\nname = \"app\"\n[[upstreams.backends]]\naddress = \"127.0.0.1:9000\"\n");
    ASSERT_EQ(config.upstreams.size(), 1u);
    Upstream expected;
    expected.name = "app";
    expected.backends = {Backend{"127.0.0.1:9000", "127.0.0.1", 9000, 1}};
    EXPECT_EQ(config.upstreams[0], expected);
    EXPECT_EQ(expected.balance, Balance::round_robin);
    EXPECT_EQ(expected.timeouts.tunnel_idle, Duration(3'600'000));
    EXPECT_EQ(expected.hash_key, "client_address");
    // Routes are optional, and an upstream no route names is fine.
    EXPECT_TRUE(config.routes.empty());
}

TEST(Upstreams, ReadEveryKey) {
    const Config config = load_upstreams_clean(R"([[upstreams]]
name = "app_2-b"
balance = "consistent_hash"
hash_key = "header:X-User-ID"
[[upstreams.backends]]
address = "10.0.0.1:8080"
weight = 1000
[[upstreams.backends]]
address = "[2001:db8::1]:443"
[[upstreams.backends]]
address = "App-1.Internal:9000"
weight = 3
[upstreams.pool]
max_idle = 0
idle_timeout = "90s"
max_requests = 0
[upstreams.timeouts]
connect = "1s"
header = "30s"
idle_read = "2m"
total = "1h"
tunnel_idle = "24h"
[upstreams.health]
max_failures = 1
ejection_time = "30s"
max_ejection_time = "30s"
check_path = "/healthz?deep=1"
check_interval = "10s"
check_timeout = "9s999ms"
healthy_threshold = 1
unhealthy_threshold = 5
expected_status = [204, 204]
[upstreams.circuit_breaker]
failure_threshold = 50
open_time = "1m"
half_open_requests = 3
[upstreams.retry]
attempts = 10
budget_percent = 0
min_per_second = 0
[[upstreams]]
name = "b"
balance = "least_connections"
backends = [{ address = "b:1" }, { address = "b:2", weight = 2 }]
)");
    ASSERT_EQ(config.upstreams.size(), 2u);
    const Upstream& app = config.upstreams[0];
    EXPECT_EQ(app.name, "app_2-b");
    EXPECT_EQ(app.balance, Balance::consistent_hash);
    EXPECT_EQ(app.hash_key, "header:x-user-id");
    EXPECT_EQ(app.backends,
              (std::vector<Backend>{{"10.0.0.1:8080", "10.0.0.1", 8080, 1000},
                                    {"[2001:db8::1]:443", "2001:db8::1", 443, 1},
                                    {"App-1.Internal:9000", "app-1.internal", 9000, 3}}));
    EXPECT_EQ(app.pool, (UpstreamPool{0, Duration(90'000), 0}));
    EXPECT_EQ(app.timeouts,
              (UpstreamTimeouts{Duration(1000), Duration(30'000), Duration(120'000),
                                Duration(3'600'000), Duration(24 * 3'600'000)}));
    EXPECT_EQ(app.health, (HealthChecks{1, Duration(30'000), Duration(30'000), "/healthz?deep=1",
                                        Duration(10'000), Duration(9'999), 1, 5, 204, 204}));
    EXPECT_EQ(app.circuit_breaker, (CircuitBreaker{50, Duration(60'000), 3}));
    EXPECT_EQ(app.retry, (Retry{10, 0, 0}));
    const Upstream& b = config.upstreams[1];
    EXPECT_EQ(b.balance, Balance::least_connections);
    EXPECT_EQ(b.backends,
              (std::vector<Backend>{{"b:1", "b", 1, 1}, {"b:2", "b", 2, 2}}));
}

TEST(Upstreams, ReadEveryBalance) {
    const std::pair<std::string_view, Balance> cases[] = {
        {"round_robin", Balance::round_robin},
        {"weighted_round_robin", Balance::weighted_round_robin},
        {"least_connections", Balance::least_connections},
        {"p2c_ewma", Balance::p2c_ewma},
        {"consistent_hash", Balance::consistent_hash},
    };
    for (const auto& [name, balance] : cases) {
        const Config config = load_upstreams_clean(
            "[[upstreams]]\nname = \"a\"\nbalance = \"" + std::string(name) +
            "\"\nbackends = [{ address = \"127.0.0.1:1\" }]\n");
        EXPECT_EQ(config.upstreams.at(0).balance, balance) << name;
    }
    EXPECT_EQ(upstream_errors("[[upstreams]]\nname = \"a\"\nbalance = \"least_conn\"\n"
                              "backends = [{ address = \"127.0.0.1:1\" }]\n"),
              Errors{"t.toml:5:11: upstreams[0].balance: expected \"round_robin\", "
                     "\"weighted_round_robin\", \"least_connections\", \"p2c_ewma\" or "
                     "\"consistent_hash\", got \"least_conn\""});
    EXPECT_EQ(upstream_errors("[[upstreams]]\nname = \"a\"\nbalance = \"p2c_ewmaa\"\n"
                              "backends = [{ address = \"127.0.0.1:1\" }]\n"),
              Errors{"t.toml:5:11: upstreams[0].balance: expected \"round_robin\", "
                     "\"weighted_round_robin\", \"least_connections\", \"p2c_ewma\" or "
                     "\"consistent_hash\", got \"p2c_ewmaa\"; did you mean \"p2c_ewma\"?"});
}

TEST(Upstreams, ReadHashKeys) {
    const auto key_of = [](std::string_view key) {
        return load_upstreams_clean("[[upstreams]]\nname = \"a\"\nbalance = \"consistent_hash\"\n"
                                    "hash_key = \"" +
                                    std::string(key) +
                                    "\"\nbackends = [{ address = \"127.0.0.1:1\" }]\n")
            .upstreams.at(0)
            .hash_key;
    };
    EXPECT_EQ(key_of("client_address"), "client_address");
    EXPECT_EQ(key_of("header:X-Session"), "header:x-session");
    EXPECT_EQ(key_of("cookie:SessionID"), "cookie:SessionID");
}

TEST(Upstreams, CheckHashKeys) {
    EXPECT_EQ(upstream_errors(R"([[upstreams]]
name = "a"
balance = "consistent_hash"
hash_key = "client_adress"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "b"
hash_key = "header:x y"
balance = "consistent_hash"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "c"
balance = "consistent_hash"
hash_key = "cookie:"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "d"
hash_key = "uri"
balance = "consistent_hash"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "e"
hash_key = "client_address"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "f"
hash_key = "client_address"
balance = "consistent"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "g"
balance = "consistent_hash"
hash_key = 1
backends = [{ address = "127.0.0.1:1" }]
)"),
              (Errors{"t.toml:6:12: upstreams[0].hash_key: expected \"client_address\", "
                      "\"header:NAME\" or \"cookie:NAME\", got \"client_adress\"; did you mean "
                      "\"client_address\"?",
                      "t.toml:10:12: upstreams[1].hash_key: header name \"x y\" is not a valid "
                      "token",
                      "t.toml:16:12: upstreams[2].hash_key: cookie name \"\" is not a valid token",
                      "t.toml:20:12: upstreams[3].hash_key: expected \"client_address\", "
                      "\"header:NAME\" or \"cookie:NAME\", got \"uri\"",
                      // Only consistent hashing reads the key; elsewhere it would mislead.
                      "t.toml:25:12: upstreams[4].hash_key: only allowed with balance = "
                      "\"consistent_hash\"",
                      // No second error when the balance itself is refused.
                      "t.toml:30:11: upstreams[5].balance: expected \"round_robin\", "
                      "\"weighted_round_robin\", \"least_connections\", \"p2c_ewma\" or "
                      "\"consistent_hash\", got \"consistent\"",
                      "t.toml:35:12: upstreams[6].hash_key: expected a string, got integer"}));
}

TEST(Upstreams, RequireANameAndBackends) {
    EXPECT_EQ(upstream_errors(R"([[upstreams]]
balance = "round_robin"
[[upstreams]]
name = "b"
backends = []
[[upstreams]]
name = "c"
[upstreams.backends]
address = "127.0.0.1:1"
[[upstreams]]
name = "d"
backends = ["127.0.0.1:1"]
)"),
              (Errors{"t.toml:3:1: upstreams[0].name: missing; every upstream needs a name for "
                      "routes to use in proxy = \"NAME\"",
                      "t.toml:3:1: upstreams[0].backends: at least one [[upstreams.backends]] "
                      "table is required, e.g. address = \"127.0.0.1:9000\"",
                      "t.toml:7:12: upstreams[1].backends: at least one [[upstreams.backends]] "
                      "table is required, e.g. address = \"127.0.0.1:9000\"",
                      "t.toml:10:1: upstreams[2].backends: expected an array of tables "
                      "([[upstreams.backends]]), got table",
                      "t.toml:14:13: upstreams[3].backends[0]: expected a table, got string"}));
}

TEST(Upstreams, CheckNames) {
    EXPECT_EQ(upstream_errors(R"([[upstreams]]
name = "App"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "a.b"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = ""
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "web"
backends = [{ address = "127.0.0.1:1" }]
[[upstreams]]
name = "web"
backends = [{ address = "127.0.0.1:2" }]
[[upstreams]]
name = 7
backends = [{ address = "127.0.0.1:1" }]
)"),
              (Errors{"t.toml:4:8: upstreams[0].name: upstream name \"App\" may hold only "
                      "lowercase letters, digits, '_' and '-'; did you mean \"app\"?",
                      "t.toml:7:8: upstreams[1].name: upstream name \"a.b\" may hold only "
                      "lowercase letters, digits, '_' and '-'",
                      "t.toml:10:8: upstreams[2].name: an upstream name must not be empty",
                      "t.toml:16:8: upstreams[4].name: duplicate upstream name \"web\"; "
                      "upstreams[3] (line 13) has it already",
                      "t.toml:19:8: upstreams[5].name: expected a string, got integer"}));
}

TEST(Upstreams, MustBeAnArrayOfTables) {
    EXPECT_EQ(upstream_errors("[upstreams]\nname = \"a\"\n"),
              Errors{"t.toml:3:1: upstreams: expected an array of tables ([[upstreams]]), got "
                     "table"});
    EXPECT_EQ(errors_of("upstreams = [\"a\"]\n" + std::string(listener)),
              Errors{"t.toml:1:14: upstreams[0]: expected a table, got string"});
}

TEST(Upstreams, ReportUnknownKeysAtEveryLevel) {
    EXPECT_EQ(upstream_errors(R"([[upstreams]]
nmae = "a"
name = "a"
[[upstreams.backends]]
address = "127.0.0.1:1"
wieght = 2
[upstreams.pool]
max_idle_conns = 1
[upstreams.timeouts]
read = "1s"
[upstreams.health]
check_intervals = "1s"
[upstreams.circuit_breaker]
open = "1s"
[upstreams.retry]
attempt = 1
[upstreams.tls]
verfy = false
[upstreams.mirror]
)"),
              (Errors{"t.toml:4:1: upstreams[0].nmae: unknown key \"nmae\"; did you mean "
                      "\"name\"?",
                      "t.toml:8:1: upstreams[0].backends[0].wieght: unknown key \"wieght\"; did "
                      "you mean \"weight\"?",
                      "t.toml:10:1: upstreams[0].pool.max_idle_conns: unknown key "
                      "\"max_idle_conns\"",
                      "t.toml:12:1: upstreams[0].timeouts.read: unknown key \"read\"",
                      "t.toml:14:1: upstreams[0].health.check_intervals: unknown key "
                      "\"check_intervals\"; did you mean \"check_interval\"?",
                      "t.toml:16:1: upstreams[0].circuit_breaker.open: unknown key \"open\"",
                      "t.toml:18:1: upstreams[0].retry.attempt: unknown key \"attempt\"; did you "
                      "mean \"attempts\"?",
                      "t.toml:20:1: upstreams[0].tls.verfy: unknown key \"verfy\"; did you mean "
                      "\"verify\"?",
                      "t.toml:21:12: upstreams[0].mirror: unknown key \"mirror\""}));
}

}  // namespace
}  // namespace ringwall::config
