// src/config/default_config.cc: the bundled default configuration.
// Keep this text identical to conf/ringwall.toml; DefaultConfig.MatchesConfFile checks it.
#include "config/config.h"

namespace ringwall::config {

std::string_view bundled_default_text() noexcept {
    static constexpr std::string_view text =
        R"toml(# Ringwall configuration: the bundled default, which `ringwall` runs when started
# without -c. Every key is described in docs/configuration.md.
#
#   ringwall -t -c FILE   check a file and print every error as file:line:col: key: message
#   ringwall -T -c FILE   print the effective configuration, every default filled in
#
# Sizes are integer bytes or strings such as "8KiB", "1MiB" (powers of 1024) or "1MB"
# (powers of 1000). Durations are strings such as "500ms", "10s", "1m30s", "1h".

workers = "auto"                # one worker thread per CPU, or an integer from 1 to 1024

[log]
error_log = "stderr"            # "stderr" or a file path
access_log = "off"              # "off", "stdout", "stderr" or a file path
level = "info"                  # "error", "warn", "info" or "debug"

# The defaults, commented out. Remove the "#" to change one.
[limits]
# max_request_line = "8KiB"     # longest request line; longer gets 414
# max_field_size = "8KiB"       # longest header field line; longer gets 431
# max_header_size = "32KiB"     # all header field lines together; more gets 431
# max_fields = 100              # number of header field lines; more gets 431
# max_body_size = "1MiB"        # largest request body; larger gets 413
# max_connections = 16384       # open connections per worker; more are refused
# min_body_rate = "1KiB"        # slowest request body, bytes per second; 0 turns it off

[timeouts]
# header = "10s"                # to receive a request head; then 408
# keepalive = "75s"             # idle between requests on a connection
# body = "10s"                  # window over which min_body_rate is judged; then 408
# send = "30s"                  # a response send making no progress
# shutdown = "5s"               # SIGTERM / SIGINT: drain time before connections are cut
# graceful_shutdown = "60s"     # SIGQUIT: drain time

[[listeners]]
address = "127.0.0.1:8080"      # "host:port", "[ipv6]:port", or ":port" for every address
# backlog = 4096

# Upstreams are groups of servers that routes proxy to. Remove the "#" from the upstream
# and the "api" route below to send requests for /api/ to a server on 127.0.0.1:9000.
# [[upstreams]]
# name = "app"
# balance = "round_robin"       # or "weighted_round_robin", "least_connections", ...
# [[upstreams.backends]]
# address = "127.0.0.1:9000"    # "ip:port", "[ipv6]:port" or "dns.name:port"
# weight = 1

# Routes are tried in file order; the first that matches answers.
# [[routes]]
# name = "api"
# path_prefix = "/api/"
# proxy = "app"                 # the name of an upstream

[[routes]]
name = "hello"
# hosts = ["example.com", "*.example.com"]   # leave out to match every host
path_prefix = "/"               # or: path = "/exact"
# methods = ["GET", "HEAD"]     # leave out to match every method

[routes.respond]
status = 200
headers = { "content-type" = "text/plain" }
body = "Hello from Ringwall\n"
)toml";
    return text;
}

}  // namespace ringwall::config
