// src/proxy/route_matcher.h: whether a request falls under a route (host, path, method).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "proxy/exchange.h"

namespace ringwall::proxy {

class RouteMatcher {
public:
    explicit RouteMatcher(const config::Route& route);

    bool matches(const Request& request) const noexcept;

    // "example.com:8080" -> "example.com", "[::1]:80" -> "[::1]".
    static std::string_view host_without_port(std::string_view authority) noexcept;

private:
    bool matches_host(std::string_view host) const noexcept;

    std::vector<std::string> exact_hosts_;     // lowercase
    std::vector<std::string> wildcard_suffixes_;  // ".example.com" for "*.example.com"
    bool exact_path_ = false;
    std::string path_;
    std::vector<std::string> methods_;
};

}  // namespace ringwall::proxy
