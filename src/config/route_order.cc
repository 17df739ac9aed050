// src/config/route_order.cc: describe_route_order.
#include "config/route_order.h"

#include "config/toml_text.h"

namespace ringwall::config {
namespace {

// "a b c", or `none` for an empty list.
std::string words(const std::vector<std::string>& items, std::string_view label,
                  std::string_view none) {
    if (items.empty()) {
        return std::string(none);
    }
    std::string out(label);
    for (const std::string& item : items) {
        out += " " + item;
    }
    return out;
}

std::string conditions(const Route& route) {
    std::string out = words(route.hosts, "hosts", "any host");
    if (route.path) {
        out += ", path " + toml_string(*route.path);
    } else if (route.path_regex) {
        out += ", path regex " + toml_string(*route.path_regex);
    } else {
        out += ", path prefix " + toml_string(route.path_prefix);
    }
    out += ", " + words(route.methods, "methods", "any method");
    for (const Header& header : route.match_headers) {
        out += ", header " + toml_key(header.name) +
               (header.value.empty() ? " present" : " = " + toml_string(header.value));
    }
    for (const Header& parameter : route.match_query) {
        out += ", query " + toml_key(parameter.name) +
               (parameter.value.empty() ? " present" : " = " + toml_string(parameter.value));
    }
    return out;
}

std::string action(const Route& route) {
    switch (route.action) {
        case Action::respond:
            break;
        case Action::proxy: {
            std::string out = "proxy " + toml_string(route.proxy);
            if (!route.strip_prefix.empty()) {
                out += ", strip prefix " + toml_string(route.strip_prefix);
            }
            if (!route.add_prefix.empty()) {
                out += ", add prefix " + toml_string(route.add_prefix);
            }
            return out;
        }
        case Action::redirect:
            return "redirect " + std::to_string(route.redirect.status) + " " +
                   toml_string(route.redirect.location);
        case Action::static_files: {
            std::string out = "static root " + toml_string(route.static_files.root);
            if (!route.strip_prefix.empty()) {
                out += ", strip prefix " + toml_string(route.strip_prefix);
            }
            return out;
        }
    }
    return "respond " + std::to_string(route.respond.status);
}

}  // namespace

std::string describe_route_order(const Config& config) {
    if (config.routes.empty()) {
        return "no routes: every request gets 404\n";
    }
    std::string out;
    for (std::size_t i = 0; i < config.routes.size(); ++i) {
        const Route& route = config.routes[i];
        out += std::to_string(i + 1) + ". " + toml_string(route.name) + ": " + conditions(route) +
               " -> " + action(route) + "\n";
    }
    return out;
}

}  // namespace ringwall::config
