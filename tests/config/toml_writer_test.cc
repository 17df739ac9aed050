// tests/config/toml_writer_test.cc: to_toml round trips and the bundled default.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::load_clean;

// load → to_toml → load gives the same Config, and printing again gives the same text.
void expect_round_trip(std::string_view text) {
    const LoadResult loaded = load_string(text, "t.toml");
    ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front().to_string();
    const Config& first = *loaded.config;
    const std::string printed = to_toml(first);
    SCOPED_TRACE(printed);
    const Config second = load_clean(printed);
    EXPECT_EQ(first, second);
    EXPECT_EQ(to_toml(second), printed);
}

TEST(ToToml, RoundTripsTheMinimalFile) {
    expect_round_trip(testing::minimal_tail);
}

TEST(ToToml, RoundTripsEverySetting) {
    expect_round_trip(R"(workers = 12
[log]
error_log = "/var/log/ringwall/error \"main\".log"
access_log = "stderr"
level = "warn"
[limits]
max_request_line = 1000
max_field_size = 1001
max_header_size = "3GiB"
max_fields = 4294967295
max_body_size = "18446744073709551615B"
max_connections = 1
min_body_rate = 0
[timeouts]
header = "1ms"
keepalive = "1h1ms"
body = "1m30s"
send = "9223372036854775807ms"
shutdown = "2h"
graceful_shutdown = "59m"
[[listeners]]
address = "[::1]:0"
backlog = 1
[[listeners]]
address = ":443"
[[routes]]
name = "quoted \"name\" é"
hosts = ["a.example", "*.b.example", "[::1]"]
path = "/x/%20y"
methods = ["GET", "M-SEARCH"]
[routes.respond]
status = 418
headers = { "x-b" = "2", "A" = "tab\tand é", "content-type" = "text/html" }
body = "line\n\"quoted\"\\ \u0001 \u007f é 🙂"
[[routes]]
respond = {}
)");
}

TEST(ToToml, PrintsEveryKeyWithDefaults) {
    const Config config = load_clean(testing::minimal_tail);
    EXPECT_EQ(to_toml(config),
              R"(# Effective configuration loaded from "t.toml", defaults filled in.
workers = "auto"

[log]
error_log = "stderr"
access_log = "off"
level = "info"

[limits]
max_request_line = "8KiB"
max_field_size = "8KiB"
max_header_size = "32KiB"
max_fields = 100
max_body_size = "1MiB"
max_connections = 16384
min_body_rate = "1KiB"

[timeouts]
header = "10s"
keepalive = "75s"
body = "10s"
send = "30s"
shutdown = "5s"
graceful_shutdown = "1m"

[[listeners]]
address = ":8080"
backlog = 4096

[[routes]]
name = "routes[0]"
hosts = []  # any host
path_prefix = "/"
methods = []  # any method
[routes.respond]
status = 200
headers = {}
body = ""
)");
}

TEST(ToToml, SynthesizesAnAddressFromHostAndPort) {
    Config config = load_clean(testing::minimal_tail);
    config.listeners = {Listener{"", "::1", 81, 10}, Listener{"", "10.0.0.1", 82, 10},
                        Listener{"", "", 83, 10}};
    const Config reloaded = load_clean(to_toml(config));
    ASSERT_EQ(reloaded.listeners.size(), 3u);
    EXPECT_EQ(reloaded.listeners[0].address, "[::1]:81");
    EXPECT_EQ(reloaded.listeners[1].address, "10.0.0.1:82");
    EXPECT_EQ(reloaded.listeners[2].address, ":83");
}

TEST(DefaultConfig, LoadsClean) {
    const LoadResult result = load_string(bundled_default_text(), "<default>");
    for (const Diagnostic& d : result.errors) {
        ADD_FAILURE() << d.to_string();
    }
    ASSERT_NE(result.config, nullptr);
    const Config& config = *result.config;
    EXPECT_EQ(config.workers, 0u);
    EXPECT_EQ(config.limits, Limits{});
    EXPECT_EQ(config.timeouts, Timeouts{});
    ASSERT_EQ(config.listeners.size(), 1u);
    EXPECT_EQ(config.listeners[0], (Listener{"127.0.0.1:8080", "127.0.0.1", 8080, 4096}));
    ASSERT_EQ(config.routes.size(), 1u);
    EXPECT_EQ(config.routes[0].name, "hello");
    EXPECT_EQ(config.routes[0].respond,
              (Respond{200, {{"content-type", "text/plain"}}, "Hello from Ringwall\n"}));
    EXPECT_EQ(*load_clean(to_toml(config)).routes.data(), config.routes[0]);
}

TEST(DefaultConfig, MatchesConfFile) {
    const auto path =
        std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "conf" / "ringwall.toml";
    std::ifstream file(path, std::ios::binary);
    ASSERT_TRUE(file) << "cannot open " << path;
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_EQ(text.str(), bundled_default_text())
        << "conf/ringwall.toml and src/config/default_config.cc must hold the same text";
}

}  // namespace
}  // namespace ringwall::config
