// tests/config/toml_writer_test.cc: to_toml round trips and the bundled default.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/toml_text.h"
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
[files]
cache_max_size = 0
cache_file_max = "1B"
mmap_threshold = 1
revalidate = "1h1ms"
max_ranges = 1000
[files.mime_types]
"JS" = "text/javascript; charset=\"utf-8\""
x_1 = "a/b;c=d"
wasm = "application/wasm"
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

TEST(ToToml, RoundTripsUpstreamsAndEveryAction) {
    expect_round_trip(R"([[listeners]]
address = ":80"
[[routes]]
name = "api"
hosts = ["api.example"]
path_regex = "^/api/v[0-9]+/(?:a|b)\\.json$ é"
methods = ["GET"]
match_headers = { "X-Env" = "prod", "x-debug" = "" }
match_query = { "debug" = "1", "a%20b" = "", "q[]" = "a=b" }
proxy = "app"
strip_prefix = "/api"
add_prefix = "/v2"
[routes.request_headers]
add = { "X-B" = "2", "x-a" = "1" }
set = { "Host" = "internal" }
remove = ["Cookie"]
[routes.response_headers]
set = { "server" = "ringwall" }
remove = ["x-powered-by", "etag"]
[[routes]]
name = "old"
path = "/old"
redirect = { status = 308, location = "https://{host}/new{path}?{query}{request_uri}{scheme}" }
response_headers.add = { "cache-control" = "no-store" }
[[routes]]
name = "plain proxy"
proxy = "hash"
[[routes]]
name = "hello"
respond = { status = 200, body = "hi" }
[[upstreams]]
name = "app"
balance = "weighted_round_robin"
[[upstreams.backends]]
address = "10.0.0.1:80"
weight = 7
[[upstreams.backends]]
address = "[::1]:8080"
[[upstreams.backends]]
address = "App.Internal.:9000"
[upstreams.pool]
max_idle = 0
idle_timeout = "1h1ms"
max_requests = 0
[upstreams.timeouts]
connect = "1ms"
header = "9223372036854775807ms"
idle_read = "90s"
total = "2h"
tunnel_idle = "1ms"
[upstreams.health]
max_failures = 4294967295
ejection_time = "1s"
max_ejection_time = "1s"
check_path = "/healthz?full=1&x=%20"
check_interval = "2s"
check_timeout = "1999ms"
healthy_threshold = 9
unhealthy_threshold = 8
expected_status = [100, 599]
[upstreams.circuit_breaker]
failure_threshold = 1
open_time = "3m"
half_open_requests = 4294967295
[upstreams.retry]
attempts = 1
budget_percent = 100
min_per_second = 4294967295
[[upstreams]]
name = "hash"
balance = "consistent_hash"
hash_key = "cookie:Session"
backends = [{ address = "b:1" }]
[[upstreams]]
name = "unused"
balance = "p2c_ewma"
backends = [{ address = "c:1" }]
[[upstreams]]
name = "least"
balance = "least_connections"
backends = [{ address = "d:1" }]
)");
}

TEST(ToToml, RoundTripsStaticRoutes) {
    const testing::TempDir dir;
    const std::string odd = dir.make_dir("a \"quoted\" é\\dir");
    expect_round_trip(R"([[listeners]]
address = ":80"
[[routes]]
name = "assets"
path_prefix = "/assets/"
strip_prefix = "/assets"
response_headers.set = { "x-content-type-options" = "nosniff" }
[routes.static]
root = )" + toml_string(odd) + R"(
index = ["index.htm", "index.html"]
fallback = "app/index.html"
list_directories = true
dotfiles = "allow"
symlinks = "deny"
cache_control = "public, max-age=31536000, immutable"
precompressed = ["gzip"]
compress = []
compress_min_size = 0
[[routes]]
name = "defaults"
static.root = "."
[[routes]]
name = "empty lists"
static = { root = "/", index = [], precompressed = [], compress = ["zstd", "br"] }
)");
}

TEST(ToToml, PrintsEveryStaticKey) {
    const Config config = load_clean(R"([[listeners]]
address = ":80"
[[routes]]
static.root = "."
)");
    const std::string printed = to_toml(config);
    const std::size_t start = printed.find("[[routes]]");
    ASSERT_NE(start, std::string::npos) << printed;
    EXPECT_EQ(printed.substr(start), R"([[routes]]
name = "routes[0]"
hosts = []  # any host
path_prefix = "/"
methods = []  # any method
match_headers = {}
match_query = {}
strip_prefix = ""
[routes.static]
root = "."
index = ["index.html"]
fallback = ""  # no fallback
list_directories = false
dotfiles = "deny"
symlinks = "inside_root"
cache_control = ""  # no Cache-Control field
precompressed = ["br", "zstd", "gzip"]
compress = ["br", "zstd", "gzip"]
compress_min_size = "1KiB"
[routes.response_headers]
add = {}
set = {}
remove = []
)");
}

TEST(ToToml, PrintsEveryUpstreamKeyAndOnlyTheActionsTable) {
    const Config config = load_clean(R"([[listeners]]
address = ":80"
[[upstreams]]
name = "app"
backends = [{ address = "127.0.0.1:9000" }]
[[routes]]
proxy = "app"
[[routes]]
redirect.location = "/"
)");
    const std::string printed = to_toml(config);
    const std::size_t start = printed.find("[[upstreams]]");
    ASSERT_NE(start, std::string::npos) << printed;
    EXPECT_EQ(printed.substr(start), R"([[upstreams]]
name = "app"
balance = "round_robin"
protocol = "http1.1"
[[upstreams.backends]]
address = "127.0.0.1:9000"
weight = 1
[upstreams.pool]
max_idle = 64
idle_timeout = "1m"
max_requests = 10000
[upstreams.timeouts]
connect = "5s"
header = "1m"
idle_read = "1m"
total = "10m"
tunnel_idle = "1h"
[upstreams.health]
max_failures = 3
ejection_time = "10s"
max_ejection_time = "5m"
check_path = ""  # no active health checks
check_interval = "5s"
check_timeout = "2s"
healthy_threshold = 2
unhealthy_threshold = 3
expected_status = [200, 399]
[upstreams.circuit_breaker]
failure_threshold = 5
open_time = "10s"
half_open_requests = 1
[upstreams.retry]
attempts = 2
budget_percent = 20
min_per_second = 10

[[routes]]
name = "routes[0]"
hosts = []  # any host
path_prefix = "/"
methods = []  # any method
match_headers = {}
match_query = {}
proxy = "app"
strip_prefix = ""
add_prefix = ""
[routes.request_headers]
add = {}
set = {}
remove = []
[routes.response_headers]
add = {}
set = {}
remove = []

[[routes]]
name = "routes[1]"
hosts = []  # any host
path_prefix = "/"
methods = []  # any method
match_headers = {}
match_query = {}
[routes.redirect]
status = 302
location = "/"
[routes.response_headers]
add = {}
set = {}
remove = []
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

[files]
cache_max_size = "64MiB"
cache_file_max = "64KiB"
mmap_threshold = "1MiB"
revalidate = "1s"
max_ranges = 16
large_files = "splice"
mime_types = {}  # built-in types only

[http2]
max_concurrent_streams = 128
initial_window_size = "256KiB"
max_frame_size = "16KiB"
max_header_list_size = "32KiB"
max_continuations = 8
stream_reset_burst = 1000
stream_reset_rate = 33
max_outbound_ack = 1000
max_settings = 32
max_glitches = 100

[[listeners]]
address = ":8080"
backlog = 4096
http2 = true

[[routes]]
name = "routes[0]"
hosts = []  # any host
path_prefix = "/"
methods = []  # any method
match_headers = {}
match_query = {}
[routes.respond]
status = 200
headers = {}
body = ""
[routes.response_headers]
add = {}
set = {}
remove = []
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

TEST(ToToml, SynthesizesABackendAddressFromHostAndPort) {
    Config config = load_clean(testing::minimal_tail);
    Upstream upstream;
    upstream.name = "app";
    upstream.backends = {Backend{"", "::1", 81, 1}, Backend{"", "app.internal", 82, 2}};
    config.upstreams = {upstream};
    const Config reloaded = load_clean(to_toml(config));
    ASSERT_EQ(reloaded.upstreams.size(), 1u);
    EXPECT_EQ(reloaded.upstreams[0].backends,
              (std::vector<Backend>{{"[::1]:81", "::1", 81, 1},
                                    {"app.internal:82", "app.internal", 82, 2}}));
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
    EXPECT_EQ(config.files, Files{});
    ASSERT_EQ(config.listeners.size(), 1u);
    EXPECT_EQ(config.listeners[0], (Listener{"127.0.0.1:8080", "127.0.0.1", 8080, 4096}));
    ASSERT_EQ(config.routes.size(), 1u);
    EXPECT_EQ(config.routes[0].name, "hello");
    EXPECT_EQ(config.routes[0].respond,
              (Respond{200, {{"content-type", "text/plain"}}, "Hello from Ringwall\n"}));
    EXPECT_EQ(config.routes[0].action, Action::respond);
    EXPECT_TRUE(config.upstreams.empty());
    EXPECT_EQ(*load_clean(to_toml(config)).routes.data(), config.routes[0]);
}

// Every commented-out setting of the bundled file, uncommented, still loads; the commented
// defaults are the real defaults, and the proxy example works.
TEST(DefaultConfig, CommentedOutSettingsAreValid) {
    std::istringstream in{std::string(bundled_default_text())};
    std::string text;
    for (std::string line; std::getline(in, line);) {
        const bool setting = line.starts_with("# [") ||
                             (line.starts_with("# ") && line.size() > 2 && line[2] >= 'a' &&
                              line[2] <= 'z' && line.find(" = ") != std::string::npos &&
                              line.find(" = ") == line.find_first_of(" ", 2));
        text += (setting ? line.substr(2) : line) + "\n";
    }
    SCOPED_TRACE(text);
    const Config config = load_clean(text);
    EXPECT_EQ(config.limits, Limits{});
    EXPECT_EQ(config.timeouts, Timeouts{});
    EXPECT_EQ(config.files, Files{});
    ASSERT_EQ(config.listeners.size(), 1u);
    EXPECT_EQ(config.listeners[0].backlog, Listener{}.backlog);
    ASSERT_EQ(config.upstreams.size(), 1u);
    Upstream app;
    app.name = "app";
    app.backends = {Backend{"127.0.0.1:9000", "127.0.0.1", 9000, 1}};
    EXPECT_EQ(config.upstreams[0], app);
    ASSERT_EQ(config.routes.size(), 2u);
    EXPECT_EQ(config.routes[0].name, "api");
    EXPECT_EQ(config.routes[0].action, Action::proxy);
    EXPECT_EQ(config.routes[0].proxy, "app");
    EXPECT_EQ(config.routes[0].path_prefix, "/api/");
    EXPECT_EQ(config.routes[1].name, "hello");
    EXPECT_EQ(config.routes[1].methods, (std::vector<std::string>{"GET", "HEAD"}));
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
