// tests/proxy/active_checker_test.cc: the health-check request, the expected status range,
// and the state (with its log lines) that checks feed.
#include "proxy/active_checker.h"

#include <gtest/gtest.h>

namespace ringwall::proxy {
namespace {

TEST(ActiveChecker, RequestIsAMinimalClosingGet) {
    EXPECT_EQ(health_check_request("/health", "10.0.0.1"),
              "GET /health HTTP/1.1\r\nHost: 10.0.0.1\r\nConnection: close\r\n"
              "User-Agent: ringwall-health\r\n\r\n");
}

TEST(ActiveChecker, StatusRangeIsInclusive) {
    config::HealthChecks health;
    health.expected_status_min = 200;
    health.expected_status_max = 299;
    EXPECT_TRUE(health_status_ok(health, 200));
    EXPECT_TRUE(health_status_ok(health, 299));
    EXPECT_FALSE(health_status_ok(health, 199));
    EXPECT_FALSE(health_status_ok(health, 300));
    EXPECT_FALSE(health_status_ok(health, 503));
}

struct Fixture {
    config::Upstream upstream_config;
    config::Backend backend_config;
    CompiledUpstream upstream;

    Fixture(std::uint32_t healthy_threshold, std::uint32_t unhealthy_threshold) {
        upstream_config.name = "app";
        upstream_config.health.check_path = "/health";
        upstream_config.health.healthy_threshold = healthy_threshold;
        upstream_config.health.unhealthy_threshold = unhealthy_threshold;
        backend_config.host = "127.0.0.1";
        backend_config.port = 8080;
        upstream.config = &upstream_config;
        upstream.backends.push_back(CompiledBackend{.config = &backend_config, .address = std::nullopt,
                                                    .key = "127.0.0.1:8080"});
        upstream.backends.push_back(CompiledBackend{.config = &backend_config, .address = std::nullopt,
                                                    .key = "127.0.0.1:8081"});
    }
};

TEST(ActiveChecker, FailuresPastTheThresholdMakeUnhealthyWithALogLine) {
    Fixture f(2, 3);
    ActiveChecks checks(nullptr, f.upstream);
    EXPECT_TRUE(checks.is_healthy(0));
    EXPECT_EQ(checks.record(0, false, "503"), "");
    EXPECT_EQ(checks.record(0, false, "503"), "");
    EXPECT_TRUE(checks.is_healthy(0));
    EXPECT_EQ(checks.record(0, false, "503"),
              "upstream app backend 127.0.0.1:8080 is unhealthy (3 failed checks: 503)");
    EXPECT_FALSE(checks.is_healthy(0));
    EXPECT_TRUE(checks.is_healthy(1));  // the other backend is untouched
    EXPECT_EQ(checks.record(0, false, "timed out"), "");  // no repeated line while down
    EXPECT_EQ(checks.record(0, true, "200"), "");
    EXPECT_FALSE(checks.is_healthy(0));
    EXPECT_EQ(checks.record(0, true, "200"), "upstream app backend 127.0.0.1:8080 is healthy again");
    EXPECT_TRUE(checks.is_healthy(0));
}

TEST(ActiveChecker, ASuccessResetsTheFailureStreak) {
    Fixture f(1, 2);
    ActiveChecks checks(nullptr, f.upstream);
    EXPECT_EQ(checks.record(1, false, "503"), "");
    EXPECT_EQ(checks.record(1, true, "200"), "");
    EXPECT_EQ(checks.record(1, false, "connect failed: Connection refused"), "");
    EXPECT_EQ(checks.record(1, false, "connect failed: Connection refused"),
              "upstream app backend 127.0.0.1:8081 is unhealthy (2 failed checks: connect failed: "
              "Connection refused)");
    EXPECT_FALSE(checks.is_healthy(1));
}

TEST(ActiveChecker, StopIsIdempotentAndOutOfRangeIsHealthy) {
    Fixture f(2, 2);
    ActiveChecks checks(nullptr, f.upstream);
    EXPECT_FALSE(checks.stopped());
    EXPECT_EQ(checks.running(), 0u);
    checks.stop();
    checks.stop();
    EXPECT_TRUE(checks.stopped());
    EXPECT_TRUE(checks.is_healthy(7));
    EXPECT_EQ(checks.record(7, false, "x"), "");
}

}  // namespace
}  // namespace ringwall::proxy
