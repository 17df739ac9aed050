// tests/config/upstream_policy_test.cc: an upstream's pool, timeouts, health checks,
// circuit breaker and retry policy.
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

// `fields` inside the table header `table` of an otherwise valid upstream; `table`'s
// keys start on line 7.
Errors upstream_table_errors(std::string_view table, std::string_view fields) {
    return upstream_errors("[[upstreams]]\nname = \"app\"\n[[upstreams.backends]]\n"
                           "address = \"127.0.0.1:9000\"\n[upstreams." +
                           std::string(table) + "]\n" + std::string(fields));
}

TEST(Upstreams, CheckPoolAndTimeouts) {
    EXPECT_EQ(upstream_table_errors("pool",
                                    "max_idle = 100001\nidle_timeout = \"0s\"\nmax_requests = -1\n"),
              (Errors{"t.toml:8:12: upstreams[0].pool.max_idle: must be between 0 and 100000, got "
                      "100001",
                      "t.toml:9:16: upstreams[0].pool.idle_timeout: must be greater than 0",
                      "t.toml:10:16: upstreams[0].pool.max_requests: must be between 0 and "
                      "4294967295, got -1"}));
    EXPECT_EQ(upstream_table_errors("timeouts", "connect = 5\nheader = \"1.5s\"\n"
                                                "idle_read = \"10 s\"\ntotal = \"10\"\n"
                                                "tunnel_idle = \"0s\"\ntunnel_idel = \"1h\"\n"),
              (Errors{"t.toml:8:11: upstreams[0].timeouts.connect: expected a duration like "
                      "\"10s\", got integer",
                      "t.toml:9:10: upstreams[0].timeouts.header: fractional durations are not "
                      "supported; write \"1500ms\"",
                      "t.toml:10:13: upstreams[0].timeouts.idle_read: unexpected space in \"10 s\"; "
                      "write \"10s\"",
                      "t.toml:11:9: upstreams[0].timeouts.total: missing unit in \"10\"; write "
                      "\"10s\" or \"10ms\"",
                      "t.toml:12:15: upstreams[0].timeouts.tunnel_idle: must be greater than 0",
                      "t.toml:13:1: upstreams[0].timeouts.tunnel_idel: unknown key "
                      "\"tunnel_idel\"; did you mean \"tunnel_idle\"?"}));
    EXPECT_EQ(upstream_errors("[[upstreams]]\nname = \"a\"\npool = 1\ntimeouts = \"5s\"\n"
                              "backends = [{ address = \"127.0.0.1:1\" }]\n"),
              (Errors{"t.toml:5:8: upstreams[0].pool: expected a table, got integer",
                      "t.toml:6:12: upstreams[0].timeouts: expected a table, got string"}));
}

TEST(Upstreams, CheckHealth) {
    EXPECT_EQ(upstream_table_errors("health", R"(max_failures = 0
ejection_time = "1m"
max_ejection_time = "30s"
check_path = "healthz"
check_interval = "1s"
check_timeout = "1s"
healthy_threshold = 0
unhealthy_threshold = 4294967296
expected_status = [399, 200]
)"),
              (Errors{"t.toml:8:16: upstreams[0].health.max_failures: must be between 1 and "
                      "4294967295, got 0",
                      "t.toml:10:21: upstreams[0].health.max_ejection_time: must not be less than "
                      "ejection_time (\"1m\"), got \"30s\"",
                      "t.toml:11:14: upstreams[0].health.check_path: must start with \"/\", got "
                      "\"healthz\"",
                      "t.toml:13:17: upstreams[0].health.check_timeout: must be less than "
                      "check_interval (\"1s\"), got \"1s\"",
                      "t.toml:14:21: upstreams[0].health.healthy_threshold: must be between 1 and "
                      "4294967295, got 0",
                      "t.toml:15:23: upstreams[0].health.unhealthy_threshold: must be between 1 "
                      "and 4294967295, got 4294967296",
                      "t.toml:16:19: upstreams[0].health.expected_status: the minimum 399 is "
                      "greater than the maximum 200"}));
    // A value written alone is checked against the other's default.
    EXPECT_EQ(upstream_table_errors("health", "ejection_time = \"6m\"\ncheck_interval = \"2s\"\n"),
              (Errors{"t.toml:8:17: upstreams[0].health.ejection_time: must not be greater than "
                      "max_ejection_time (\"5m\", the default), got \"6m\"",
                      "t.toml:9:18: upstreams[0].health.check_interval: must be greater than "
                      "check_timeout (\"2s\", the default), got \"2s\""}));
    EXPECT_EQ(upstream_table_errors("health", R"(check_path = "/a b"
expected_status = [200]
[[upstreams]]
name = "b"
backends = [{ address = "127.0.0.1:1" }]
health = { expected_status = [99, "x"], check_path = "/a?b#c" }
[[upstreams]]
name = "c"
backends = [{ address = "127.0.0.1:1" }]
health.expected_status = 200
)"),
              (Errors{"t.toml:8:14: upstreams[0].health.check_path: character \" \" is not "
                      "allowed in a path; percent-encode it as \"%20\"",
                      "t.toml:9:19: upstreams[0].health.expected_status: expected two statuses "
                      "[min, max] like [200, 399], got 1",
                      "t.toml:13:31: upstreams[1].health.expected_status[0]: must be between 100 "
                      "and 599, got 99",
                      "t.toml:13:35: upstreams[1].health.expected_status[1]: expected an integer, "
                      "got string",
                      "t.toml:13:54: upstreams[1].health.check_path: must not contain a fragment "
                      "(\"#\")",
                      "t.toml:17:26: upstreams[2].health.expected_status: expected an array [min, "
                      "max] like [200, 399], got integer"}));
    // "" turns active checks off; 1xx statuses may be expected.
    const Config config = load_upstreams_clean(
        "[[upstreams]]\nname = \"a\"\nbackends = [{ address = \"127.0.0.1:1\" }]\n"
        "health = { check_path = \"\", expected_status = [100, 599] }\n");
    EXPECT_EQ(config.upstreams.at(0).health.check_path, "");
    EXPECT_EQ(config.upstreams.at(0).health.expected_status_min, 100);
    EXPECT_EQ(config.upstreams.at(0).health.expected_status_max, 599);
}

TEST(Upstreams, CheckCircuitBreakerAndRetry) {
    EXPECT_EQ(upstream_table_errors("circuit_breaker", R"(failure_threshold = 0
open_time = 10
half_open_requests = 0
[upstreams.retry]
attempts = 0
budget_percent = 101
min_per_second = -1
[[upstreams]]
name = "b"
backends = [{ address = "127.0.0.1:1" }]
retry = { attempts = 11 }
)"),
              (Errors{"t.toml:8:21: upstreams[0].circuit_breaker.failure_threshold: must be "
                      "between 1 and 4294967295, got 0",
                      "t.toml:9:13: upstreams[0].circuit_breaker.open_time: expected a duration "
                      "like \"10s\", got integer",
                      "t.toml:10:22: upstreams[0].circuit_breaker.half_open_requests: must be "
                      "between 1 and 4294967295, got 0",
                      "t.toml:12:12: upstreams[0].retry.attempts: must be between 1 and 10, got 0",
                      "t.toml:13:18: upstreams[0].retry.budget_percent: must be between 0 and 100, "
                      "got 101",
                      "t.toml:14:18: upstreams[0].retry.min_per_second: must be between 0 and "
                      "4294967295, got -1",
                      "t.toml:18:22: upstreams[1].retry.attempts: must be between 1 and 10, got "
                      "11"}));
}

}  // namespace
}  // namespace ringwall::config
