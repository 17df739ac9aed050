// src/config/config.h: the immutable configuration model every other layer reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ringwall::config {

using Duration = std::chrono::milliseconds;

struct Log {
    std::string error_log = "stderr";  // "stderr" or a file path
    std::string access_log = "off";    // "off", "stdout", "stderr" or a file path
    std::string level = "info";        // error, warn, info, debug

    bool operator==(const Log&) const = default;
};

struct Limits {
    std::uint64_t max_request_line = 8 * 1024;
    std::uint64_t max_field_size = 8 * 1024;
    std::uint64_t max_header_size = 32 * 1024;
    std::uint32_t max_fields = 100;
    std::uint64_t max_body_size = 1024 * 1024;
    std::uint32_t max_connections = 16384;  // per worker; more are refused with 503 and close
    std::uint64_t min_body_rate = 1024;     // bytes/s a request body must average per
                                            // timeouts.body window; 0 disables

    bool operator==(const Limits&) const = default;
};

// SETTINGS we send and the defences of every HTTP/2 connection.
struct Http2 {
    std::uint32_t max_concurrent_streams = 128;
    std::uint32_t initial_window_size = 256 * 1024;  // per stream, for request bodies
    std::uint32_t max_frame_size = 16 * 1024;
    std::uint32_t max_header_list_size = 32 * 1024;
    std::uint32_t max_continuations = 8;     // CONTINUATION frames per header block
    std::uint32_t stream_reset_burst = 1000;  // RST_STREAM token bucket: burst, then per second
    std::uint32_t stream_reset_rate = 33;
    std::uint32_t max_outbound_ack = 1000;    // SETTINGS/PING ACKs queued before we give up
    std::uint32_t max_settings = 32;          // entries in one SETTINGS frame
    std::uint32_t max_glitches = 100;         // tolerated protocol misbehaviour per connection

    bool operator==(const Http2&) const = default;
};

struct Timeouts {
    Duration header{10'000};     // first byte of a request to the end of its head (408)
    Duration keepalive{75'000};  // idle between requests
    Duration body{10'000};       // window over which min_body_rate is judged (408)
    Duration send{30'000};       // a response send making no progress for this long
    Duration shutdown{5'000};    // SIGTERM/SIGINT: drain deadline before connections are cut
    Duration graceful_shutdown{60'000};  // SIGQUIT: drain deadline

    bool operator==(const Timeouts&) const = default;
};

struct TlsCertificate {
    std::string chain;          // PEM, leaf first; relative to the working directory
    std::string key;            // PEM private key of the leaf
    std::string ocsp_response;  // DER OCSP response stapled as it is; empty: none

    bool operator==(const TlsCertificate&) const = default;
};

enum class ClientVerify : std::uint8_t { off, optional, required };

struct ListenerTls {
    // The first is the default for an unknown or absent server name.
    std::vector<TlsCertificate> certificates;
    bool min_tls13 = false;                 // min_version = "1.3"; else "1.2"
    Duration handshake_timeout{10'000};
    bool session_tickets = true;
    Duration ticket_key_rotation{3'600'000};  // a key encrypts this long, decrypts twice as long
    std::uint32_t session_cache_size = 20'480;  // server-side cache entries; 0 disables it
    std::string client_ca;                  // PEM CA bundle for client certificates
    ClientVerify client_verify = ClientVerify::off;

    bool operator==(const ListenerTls&) const = default;
};

struct Listener {
    std::string address;  // as written, e.g. "127.0.0.1:8080", "[::1]:8080", ":8080"
    std::string host;     // "127.0.0.1", "::1"; empty means every address (IPv6 dual-stack)
    std::uint16_t port = 0;
    std::uint32_t backlog = 4096;
    // TLS: offer h2 in ALPN. Plain: accept h2c from clients that start with the preface.
    bool http2 = true;
    std::optional<ListenerTls> tls;

    bool operator==(const Listener&) const = default;
};

struct Header {
    std::string name;
    std::string value;

    bool operator==(const Header&) const = default;
};

struct Respond {
    std::uint16_t status = 200;
    std::vector<Header> headers;
    std::string body;

    bool operator==(const Respond&) const = default;
};

struct HeaderOps {
    std::vector<Header> add;            // appended, even when the field exists
    std::vector<Header> set;            // replaces every existing field of that name
    std::vector<std::string> remove;    // lowercase names

    bool operator==(const HeaderOps&) const = default;
};

struct Redirect {
    std::uint16_t status = 302;  // 301, 302, 303, 307 or 308
    // Template; {scheme} {host} {path} {query} {request_uri} are substituted.
    std::string location;

    bool operator==(const Redirect&) const = default;
};

// RFC 9110 §8.4.1 content codings a static route can send.
enum class ContentCoding : std::uint8_t { br, zstd, gzip };

enum class Dotfiles : std::uint8_t {
    deny,  // any path segment starting with '.' gets 404
    allow,
};

enum class Symlinks : std::uint8_t {
    inside_root,  // followed while the target stays beneath root; else 404
    deny,         // a symlink anywhere below root gets 404
};

// [routes.static]: serve the files beneath a directory.
struct StaticFiles {
    // As written; relative to the working directory when relative. A directory when the
    // file was loaded (the loader checks).
    std::string root;
    std::vector<std::string> index{"index.html"};  // plain file names tried for a directory
    std::string fallback;  // relative to root, no ".."; served with 200 when the requested
                           // file does not exist; "" means none
    bool list_directories = false;
    Dotfiles dotfiles = Dotfiles::deny;
    Symlinks symlinks = Symlinks::inside_root;
    std::string cache_control;  // "" sends no Cache-Control
    // Sibling files (FILE.br, FILE.zst, FILE.gz) looked for, in server preference order;
    // each coding at most once.
    std::vector<ContentCoding> precompressed{ContentCoding::br, ContentCoding::zstd,
                                             ContentCoding::gzip};
    // On-the-fly compression, in server preference order; empty turns it off.
    std::vector<ContentCoding> compress{ContentCoding::br, ContentCoding::zstd,
                                        ContentCoding::gzip};
    std::uint64_t compress_min_size = 1024;  // smaller files are not compressed on the fly

    bool operator==(const StaticFiles&) const = default;
};

enum class Action : std::uint8_t { respond, proxy, redirect, static_files };

struct Route {
    std::string name;                   // "routes[0]" unless given
    std::vector<std::string> hosts;     // exact or "*.example.com"; empty matches any host
    std::optional<std::string> path;    // exact path match
    std::string path_prefix = "/";      // used when neither path nor path_regex is set
    std::optional<std::string> path_regex;  // PCRE2 pattern, matched against the path
    std::vector<std::string> methods;   // empty matches any method
    std::vector<Header> match_headers;  // name lowercase; value "" means "present"
    std::vector<Header> match_query;    // query parameter name = value ("" means "present")
    Action action = Action::respond;
    Respond respond;
    std::string proxy;                  // upstream name, for Action::proxy
    Redirect redirect;
    StaticFiles static_files;           // for Action::static_files
    std::string strip_prefix;           // removed from the path before proxying, or before
                                        // mapping it to a file
    std::string add_prefix;             // then prepended, for Action::proxy
    HeaderOps request_headers;
    HeaderOps response_headers;

    bool operator==(const Route&) const = default;
};

enum class Balance : std::uint8_t {
    round_robin,
    weighted_round_robin,
    least_connections,
    p2c_ewma,
    consistent_hash,
};

struct Backend {
    std::string address;  // as written: "127.0.0.1:9000", "[::1]:9000", "app.internal:9000"
    std::string host;     // IP literal or DNS name (resolved when the config loads)
    std::uint16_t port = 0;
    std::uint32_t weight = 1;

    bool operator==(const Backend&) const = default;
};

struct UpstreamPool {
    std::uint32_t max_idle = 64;       // idle keep-alive connections per backend, per worker
    Duration idle_timeout{60'000};
    std::uint32_t max_requests = 10'000;  // per upstream connection; 0 means no limit

    bool operator==(const UpstreamPool&) const = default;
};

struct UpstreamTimeouts {
    Duration connect{5'000};
    Duration header{60'000};     // request sent -> response head complete (504)
    Duration idle_read{60'000};  // between reads of the response body
    Duration total{600'000};     // whole exchange
    // After a protocol switch (101): closed when no byte has gone either way for this
    // long. `total` does not bound a tunnel.
    Duration tunnel_idle{3'600'000};

    bool operator==(const UpstreamTimeouts&) const = default;
};

struct HealthChecks {
    std::uint32_t max_failures = 3;        // passive: consecutive failures before ejection
    Duration ejection_time{10'000};        // first cool-down; doubles per repeated ejection
    Duration max_ejection_time{300'000};
    std::string check_path;                // active checks run only when set
    Duration check_interval{5'000};
    Duration check_timeout{2'000};
    std::uint32_t healthy_threshold = 2;
    std::uint32_t unhealthy_threshold = 3;
    std::uint16_t expected_status_min = 200;  // expected_status = [200, 399]
    std::uint16_t expected_status_max = 399;

    bool operator==(const HealthChecks&) const = default;
};

struct CircuitBreaker {
    std::uint32_t failure_threshold = 5;  // consecutive failures that open the breaker
    Duration open_time{10'000};
    std::uint32_t half_open_requests = 1;

    bool operator==(const CircuitBreaker&) const = default;
};

struct Retry {
    std::uint32_t attempts = 2;        // tries in all, on different backends; 1 disables retry
    std::uint32_t budget_percent = 20; // retries allowed as a share of recent requests
    std::uint32_t min_per_second = 10; // retries always allowed regardless of the share

    bool operator==(const Retry&) const = default;
};

// [upstreams.tls]: present when the backends are reached over TLS.
struct UpstreamTls {
    bool verify = true;       // the backend's chain and name are checked
    std::string ca_file;      // trusted roots; empty: the system's store
    // SNI and the name the certificate must carry; empty: each backend's host (a DNS name
    // is sent as SNI, an IP literal is only verified against the certificate's IP SANs).
    std::string server_name;
    bool min_tls13 = false;   // min_version = "1.3"
    std::string certificate;  // a client chain for backends that ask for one (mTLS)
    std::string key;

    bool operator==(const UpstreamTls&) const = default;
};

// What is spoken to the backends once connected.
enum class UpstreamProtocol : std::uint8_t {
    http1,  // HTTP/1.1 with keep-alive
    http2,  // HTTP/2: ALPN "h2" over TLS, prior knowledge (h2c) without
};

struct Upstream {
    std::string name;
    Balance balance = Balance::round_robin;
    std::string hash_key = "client_address";  // "client_address", "header:NAME", "cookie:NAME"
    std::vector<Backend> backends;
    UpstreamPool pool;
    UpstreamTimeouts timeouts;
    HealthChecks health;
    CircuitBreaker circuit_breaker;
    Retry retry;
    UpstreamProtocol protocol = UpstreamProtocol::http1;
    std::optional<UpstreamTls> tls;  // absent: plain TCP

    bool operator==(const Upstream&) const = default;
};

struct MimeType {
    std::string extension;  // lowercase, without the dot: "js"
    std::string type;       // "text/javascript; charset=utf-8"

    bool operator==(const MimeType&) const = default;
};

// How files of at least mmap_threshold bytes go out.
enum class LargeFiles : std::uint8_t {
    splice,          // page references through a pipe to the socket, as sendfile(2)
    mmap_zero_copy,  // mapped, and sent with SEND_ZC from the mapping
};

// [files]: settings every static route of a process shares.
struct Files {
    std::uint64_t cache_max_size = 64 * 1024 * 1024;  // cached files and compressed variants;
                                                      // 0: no cache
    std::uint64_t cache_file_max = 64 * 1024;         // smaller files are cached in memory
    std::uint64_t mmap_threshold = 1024 * 1024;       // larger-or-equal files are mmapped;
                                                      // always >= cache_file_max
    Duration revalidate{1'000};                       // a cached stat result is trusted this long
    std::uint32_t max_ranges = 16;                    // most byte ranges served for a request
    LargeFiles large_files = LargeFiles::splice;
    std::vector<MimeType> mime_types;                 // in file order; extend and override the
                                                      // built-in map

    bool operator==(const Files&) const = default;
};

struct Config {
    std::string source;         // file path, or "<default>" for the bundled configuration
    std::uint32_t workers = 0;  // 0: one per CPU
    Log log;
    Limits limits;
    Timeouts timeouts;
    Files files;
    Http2 http2;
    std::vector<Listener> listeners;
    std::vector<Upstream> upstreams;
    std::vector<Route> routes;

    bool operator==(const Config&) const = default;
};

// A problem found in a configuration file, printed as "file:line:col: key.path: message".
// Lines and columns are 1-based (columns count code points, as toml++ does). A problem
// with the whole file has no key path ("file:line:col: message"); one with no position
// at all, such as a file that cannot be read, has line 0 and prints as "file: message".
struct Diagnostic {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string key_path;  // e.g. "routes[1].respond.status"
    std::string message;

    std::string to_string() const;
};

struct LoadResult {
    std::shared_ptr<const Config> config;  // null when errors is not empty
    std::vector<Diagnostic> errors;        // every error found, in file order
};

// Parses and validates a whole file. Never throws for bad input.
LoadResult load_file(const std::string& path);
// Same for text already in memory; `source_name` is used in diagnostics.
LoadResult load_string(std::string_view text, std::string_view source_name);

// The configuration Ringwall runs when started without -c.
std::string_view bundled_default_text() noexcept;

// The effective configuration with every default filled in, as TOML that load_string
// accepts and that round-trips to an equal Config (ringwall -T).
std::string to_toml(const Config& config);

}  // namespace ringwall::config
