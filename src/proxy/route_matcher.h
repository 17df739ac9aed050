// src/proxy/route_matcher.h: whether a request falls under a route (host, path, path
// regex, method, header and query conditions).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "proxy/exchange.h"

namespace ringwall::proxy {

class PathRegex;

class RouteMatcher {
public:
    explicit RouteMatcher(const config::Route& route);
    RouteMatcher(RouteMatcher&&) noexcept;
    RouteMatcher& operator=(RouteMatcher&&) noexcept;
    ~RouteMatcher();

    // Conditions are checked cheapest first: method, path, host, headers, query, regex.
    bool matches(const Request& request) const noexcept;

    // "example.com:8080" -> "example.com", "[::1]:8080" -> "[::1]".
    static std::string_view host_without_port(std::string_view authority) noexcept;

    // Whether `query` ("a=1&b") has parameter `name` with `value` ("" means present with
    // any value). Names and values compare as received, without percent-decoding.
    static bool query_has(std::string_view query, std::string_view name, std::string_view value) noexcept;

private:
    bool matches_host(std::string_view host) const noexcept;
    bool matches_headers(const Request& request) const noexcept;

    std::vector<std::string> exact_hosts_;     // lowercase
    std::vector<std::string> wildcard_suffixes_;  // ".example.com" for "*.example.com"
    bool exact_path_ = false;
    std::string path_;
    std::vector<std::string> methods_;
    std::vector<config::Header> headers_;  // lowercase names; "" value means present
    std::vector<config::Header> query_;
    std::unique_ptr<PathRegex> regex_;     // compiled once per snapshot, JIT where available
};

}  // namespace ringwall::proxy
