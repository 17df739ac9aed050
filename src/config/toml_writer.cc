// src/config/toml_writer.cc: to_toml, the effective configuration printed back as TOML.
#include <string>
#include <vector>

#include "config/config.h"
#include "config/toml_text.h"
#include "config/units.h"

namespace ringwall::config {
namespace {

void line(std::string& out, std::string_view key, std::string_view value) {
    out += key;
    out += " = ";
    out += value;
    out += '\n';
}

std::string string_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : ", ") + toml_string(items[i]);
    }
    return out + "]";
}

// { "a" = "1", "b" = "2" } in order, or {}.
std::string inline_table(const std::vector<Header>& fields) {
    std::string out = "{";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        out += (i == 0 ? " " : ", ") + toml_string(fields[i].name) + " = " +
               toml_string(fields[i].value);
    }
    return out + (fields.empty() ? "}" : " }");
}

std::string duration(Duration d) {
    return toml_string(format_duration(d));
}

std::string_view balance_name(Balance balance) {
    switch (balance) {
        case Balance::round_robin:
            break;
        case Balance::weighted_round_robin:
            return "weighted_round_robin";
        case Balance::least_connections:
            return "least_connections";
        case Balance::p2c_ewma:
            return "p2c_ewma";
        case Balance::consistent_hash:
            return "consistent_hash";
    }
    return "round_robin";
}

std::string_view coding_name(ContentCoding coding) {
    switch (coding) {
        case ContentCoding::br:
            break;
        case ContentCoding::zstd:
            return "zstd";
        case ContentCoding::gzip:
            return "gzip";
    }
    return "br";
}

std::string coding_array(const std::vector<ContentCoding>& codings) {
    std::string out = "[";
    for (std::size_t i = 0; i < codings.size(); ++i) {
        out += (i == 0 ? "" : ", ") + toml_string(coding_name(codings[i]));
    }
    return out + "]";
}

void static_files(std::string& out, const StaticFiles& files) {
    out += "[routes.static]\n";
    line(out, "root", toml_string(files.root));
    line(out, "index", string_array(files.index));
    line(out, "fallback",
         toml_string(files.fallback) + (files.fallback.empty() ? "  # no fallback" : ""));
    line(out, "list_directories", files.list_directories ? "true" : "false");
    line(out, "dotfiles", files.dotfiles == Dotfiles::allow ? "\"allow\"" : "\"deny\"");
    line(out, "symlinks", files.symlinks == Symlinks::deny ? "\"deny\"" : "\"inside_root\"");
    line(out, "cache_control",
         toml_string(files.cache_control) +
             (files.cache_control.empty() ? "  # no Cache-Control field" : ""));
    line(out, "precompressed", coding_array(files.precompressed));
    line(out, "compress",
         coding_array(files.compress) + (files.compress.empty() ? "  # no compression" : ""));
    line(out, "compress_min_size", toml_string(format_size(files.compress_min_size)));
}

// [files], mime_types as an inline table in file order.
void files_table(std::string& out, const Files& files) {
    out += "\n[files]\n";
    line(out, "cache_max_size",
         toml_string(format_size(files.cache_max_size)) +
             (files.cache_max_size == 0 ? "  # no cache" : ""));
    line(out, "cache_file_max", toml_string(format_size(files.cache_file_max)));
    line(out, "mmap_threshold", toml_string(format_size(files.mmap_threshold)));
    line(out, "revalidate", duration(files.revalidate));
    line(out, "max_ranges", std::to_string(files.max_ranges));
    line(out, "large_files",
         toml_string(files.large_files == LargeFiles::splice ? "splice" : "mmap_zero_copy"));
    std::string types = "{";
    for (std::size_t i = 0; i < files.mime_types.size(); ++i) {
        types += (i == 0 ? " " : ", ") + toml_string(files.mime_types[i].extension) + " = " +
                 toml_string(files.mime_types[i].type);
    }
    line(out, "mime_types", types + (files.mime_types.empty() ? "}  # built-in types only" : " }"));
}

std::string backend_address(const Backend& backend) {
    if (!backend.address.empty()) {
        return backend.address;
    }
    const bool v6 = backend.host.find(':') != std::string::npos;
    return (v6 ? "[" + backend.host + "]" : backend.host) + ":" + std::to_string(backend.port);
}

void header_ops(std::string& out, std::string_view table, const HeaderOps& ops) {
    out += "[routes.";
    out += table;
    out += "]\n";
    line(out, "add", inline_table(ops.add));
    line(out, "set", inline_table(ops.set));
    line(out, "remove", string_array(ops.remove));
}

void upstream(std::string& out, const Upstream& upstream) {
    out += "\n[[upstreams]]\n";
    line(out, "name", toml_string(upstream.name));
    line(out, "balance", toml_string(balance_name(upstream.balance)));
    if (upstream.balance == Balance::consistent_hash) {
        line(out, "hash_key", toml_string(upstream.hash_key));
    }
    line(out, "protocol", upstream.protocol == UpstreamProtocol::http2 ? "\"http2\"" : "\"http1.1\"");
    for (const Backend& backend : upstream.backends) {
        out += "[[upstreams.backends]]\n";
        line(out, "address", toml_string(backend_address(backend)));
        line(out, "weight", std::to_string(backend.weight));
    }
    const UpstreamPool& pool = upstream.pool;
    out += "[upstreams.pool]\n";
    line(out, "max_idle", std::to_string(pool.max_idle));
    line(out, "idle_timeout", duration(pool.idle_timeout));
    line(out, "max_requests",
         std::to_string(pool.max_requests) + (pool.max_requests == 0 ? "  # no limit" : ""));
    const UpstreamTimeouts& timeouts = upstream.timeouts;
    out += "[upstreams.timeouts]\n";
    line(out, "connect", duration(timeouts.connect));
    line(out, "header", duration(timeouts.header));
    line(out, "idle_read", duration(timeouts.idle_read));
    line(out, "total", duration(timeouts.total));
    line(out, "tunnel_idle", duration(timeouts.tunnel_idle));
    const HealthChecks& health = upstream.health;
    out += "[upstreams.health]\n";
    line(out, "max_failures", std::to_string(health.max_failures));
    line(out, "ejection_time", duration(health.ejection_time));
    line(out, "max_ejection_time", duration(health.max_ejection_time));
    line(out, "check_path",
         toml_string(health.check_path) +
             (health.check_path.empty() ? "  # no active health checks" : ""));
    line(out, "check_interval", duration(health.check_interval));
    line(out, "check_timeout", duration(health.check_timeout));
    line(out, "healthy_threshold", std::to_string(health.healthy_threshold));
    line(out, "unhealthy_threshold", std::to_string(health.unhealthy_threshold));
    line(out, "expected_status",
         "[" + std::to_string(health.expected_status_min) + ", " +
             std::to_string(health.expected_status_max) + "]");
    const CircuitBreaker& breaker = upstream.circuit_breaker;
    out += "[upstreams.circuit_breaker]\n";
    line(out, "failure_threshold", std::to_string(breaker.failure_threshold));
    line(out, "open_time", duration(breaker.open_time));
    line(out, "half_open_requests", std::to_string(breaker.half_open_requests));
    const Retry& retry = upstream.retry;
    out += "[upstreams.retry]\n";
    line(out, "attempts", std::to_string(retry.attempts));
    line(out, "budget_percent", std::to_string(retry.budget_percent));
    line(out, "min_per_second", std::to_string(retry.min_per_second));
    if (upstream.tls) {
        const UpstreamTls& tls = *upstream.tls;
        out += "[upstreams.tls]\n";
        line(out, "verify", tls.verify ? "true" : "false");
        line(out, "ca_file", toml_string(tls.ca_file) + (tls.ca_file.empty() ? "  # the system's trust store" : ""));
        line(out, "server_name",
             toml_string(tls.server_name) + (tls.server_name.empty() ? "  # each backend's host" : ""));
        line(out, "min_version", tls.min_tls13 ? "\"1.3\"" : "\"1.2\"");
        if (!tls.certificate.empty()) {
            line(out, "certificate", toml_string(tls.certificate));
            line(out, "key", toml_string(tls.key));
        }
    }
}

void route(std::string& out, const Route& route) {
    out += "\n[[routes]]\n";
    line(out, "name", toml_string(route.name));
    line(out, "hosts", string_array(route.hosts) + (route.hosts.empty() ? "  # any host" : ""));
    if (route.path) {
        line(out, "path", toml_string(*route.path));
    } else if (route.path_regex) {
        line(out, "path_regex", toml_string(*route.path_regex));
    } else {
        line(out, "path_prefix", toml_string(route.path_prefix));
    }
    line(out, "methods",
         string_array(route.methods) + (route.methods.empty() ? "  # any method" : ""));
    line(out, "match_headers", inline_table(route.match_headers));
    line(out, "match_query", inline_table(route.match_query));
    switch (route.action) {
        case Action::respond:
            out += "[routes.respond]\n";
            line(out, "status", std::to_string(route.respond.status));
            line(out, "headers", inline_table(route.respond.headers));
            line(out, "body", toml_string(route.respond.body));
            break;
        case Action::proxy:
            line(out, "proxy", toml_string(route.proxy));
            line(out, "strip_prefix", toml_string(route.strip_prefix));
            line(out, "add_prefix", toml_string(route.add_prefix));
            header_ops(out, "request_headers", route.request_headers);
            break;
        case Action::redirect:
            out += "[routes.redirect]\n";
            line(out, "status", std::to_string(route.redirect.status));
            line(out, "location", toml_string(route.redirect.location));
            break;
        case Action::static_files:
            line(out, "strip_prefix", toml_string(route.strip_prefix));
            static_files(out, route.static_files);
            break;
    }
    header_ops(out, "response_headers", route.response_headers);
}

std::string listen_address(const Listener& listener) {
    if (!listener.address.empty()) {
        return listener.address;
    }
    const bool v6 = listener.host.find(':') != std::string::npos;
    return (v6 ? "[" + listener.host + "]" : listener.host) + ":" + std::to_string(listener.port);
}

void listener_tls(std::string& out, const ListenerTls& tls) {
    out += "[listeners.tls]\ncertificates = [";
    for (std::size_t i = 0; i < tls.certificates.size(); ++i) {
        const TlsCertificate& cert = tls.certificates[i];
        out += i == 0 ? "\n" : "";
        out += "  { chain = " + toml_string(cert.chain) + ", key = " + toml_string(cert.key);
        if (!cert.ocsp_response.empty()) {
            out += ", ocsp_response = " + toml_string(cert.ocsp_response);
        }
        out += " },\n";
    }
    out += "]\n";
    line(out, "min_version", tls.min_tls13 ? "\"1.3\"" : "\"1.2\"");
    line(out, "handshake_timeout", duration(tls.handshake_timeout));
    line(out, "session_tickets", tls.session_tickets ? "true" : "false");
    line(out, "ticket_key_rotation", duration(tls.ticket_key_rotation));
    line(out, "session_cache_size", std::to_string(tls.session_cache_size));
    if (!tls.client_ca.empty()) {
        line(out, "client_ca", toml_string(tls.client_ca));
    }
    const char* verify = tls.client_verify == ClientVerify::required   ? "\"required\""
                         : tls.client_verify == ClientVerify::optional ? "\"optional\""
                                                                        : "\"off\"";
    line(out, "client_verify", verify);
}

void http2_table(std::string& out, const Http2& h2) {
    out += "\n[http2]\n";
    line(out, "max_concurrent_streams", std::to_string(h2.max_concurrent_streams));
    line(out, "initial_window_size", toml_string(format_size(h2.initial_window_size)));
    line(out, "max_frame_size", toml_string(format_size(h2.max_frame_size)));
    line(out, "max_header_list_size", toml_string(format_size(h2.max_header_list_size)));
    line(out, "max_continuations", std::to_string(h2.max_continuations));
    line(out, "stream_reset_burst", std::to_string(h2.stream_reset_burst));
    line(out, "stream_reset_rate", std::to_string(h2.stream_reset_rate));
    line(out, "max_outbound_ack", std::to_string(h2.max_outbound_ack));
    line(out, "max_settings", std::to_string(h2.max_settings));
    line(out, "max_glitches", std::to_string(h2.max_glitches));
}

}  // namespace

std::string to_toml(const Config& config) {
    std::string out;
    out += "# Effective configuration loaded from " + toml_string(config.source) +
           ", defaults filled in.\n";
    line(out, "workers", config.workers == 0 ? "\"auto\"" : std::to_string(config.workers));

    out += "\n[log]\n";
    line(out, "error_log", toml_string(config.log.error_log));
    line(out, "access_log", toml_string(config.log.access_log));
    line(out, "level", toml_string(config.log.level));

    const Limits& limits = config.limits;
    out += "\n[limits]\n";
    line(out, "max_request_line", toml_string(format_size(limits.max_request_line)));
    line(out, "max_field_size", toml_string(format_size(limits.max_field_size)));
    line(out, "max_header_size", toml_string(format_size(limits.max_header_size)));
    line(out, "max_fields", std::to_string(limits.max_fields));
    line(out, "max_body_size", toml_string(format_size(limits.max_body_size)));
    line(out, "max_connections", std::to_string(limits.max_connections));
    line(out, "min_body_rate", toml_string(format_size(limits.min_body_rate)));

    const Timeouts& timeouts = config.timeouts;
    out += "\n[timeouts]\n";
    line(out, "header", toml_string(format_duration(timeouts.header)));
    line(out, "keepalive", toml_string(format_duration(timeouts.keepalive)));
    line(out, "body", toml_string(format_duration(timeouts.body)));
    line(out, "send", toml_string(format_duration(timeouts.send)));
    line(out, "shutdown", toml_string(format_duration(timeouts.shutdown)));
    line(out, "graceful_shutdown", toml_string(format_duration(timeouts.graceful_shutdown)));

    files_table(out, config.files);
    http2_table(out, config.http2);

    for (const Listener& listener : config.listeners) {
        out += "\n[[listeners]]\n";
        line(out, "address", toml_string(listen_address(listener)));
        line(out, "backlog", std::to_string(listener.backlog));
        line(out, "http2", listener.http2 ? "true" : "false");
        if (listener.tls) {
            listener_tls(out, *listener.tls);
        }
    }

    for (const Upstream& u : config.upstreams) {
        upstream(out, u);
    }
    for (const Route& r : config.routes) {
        route(out, r);
    }
    return out;
}

}  // namespace ringwall::config
