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

std::string listen_address(const Listener& listener) {
    if (!listener.address.empty()) {
        return listener.address;
    }
    const bool v6 = listener.host.find(':') != std::string::npos;
    return (v6 ? "[" + listener.host + "]" : listener.host) + ":" + std::to_string(listener.port);
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

    for (const Listener& listener : config.listeners) {
        out += "\n[[listeners]]\n";
        line(out, "address", toml_string(listen_address(listener)));
        line(out, "backlog", std::to_string(listener.backlog));
    }

    for (const Route& route : config.routes) {
        out += "\n[[routes]]\n";
        line(out, "name", toml_string(route.name));
        line(out, "hosts", string_array(route.hosts) + (route.hosts.empty() ? "  # any host" : ""));
        if (route.path) {
            line(out, "path", toml_string(*route.path));
        } else {
            line(out, "path_prefix", toml_string(route.path_prefix));
        }
        line(out, "methods",
             string_array(route.methods) + (route.methods.empty() ? "  # any method" : ""));
        out += "[routes.respond]\n";
        line(out, "status", std::to_string(route.respond.status));
        std::string headers = "{";
        for (std::size_t i = 0; i < route.respond.headers.size(); ++i) {
            const Header& header = route.respond.headers[i];
            headers += (i == 0 ? " " : ", ") + toml_string(header.name) + " = " +
                       toml_string(header.value);
        }
        line(out, "headers", headers + (headers.size() > 1 ? " }" : "}"));
        line(out, "body", toml_string(route.respond.body));
    }
    return out;
}

}  // namespace ringwall::config
