// src/proxy/route_matcher.cc: host, path and method matching.
#include "proxy/route_matcher.h"

#include <algorithm>

#include "util/ascii.h"

namespace ringwall::proxy {

namespace {
std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), util::to_lower);
    return out;
}
}  // namespace

RouteMatcher::RouteMatcher(const config::Route& route) : methods_(route.methods) {
    for (const std::string& host : route.hosts) {
        if (host.starts_with("*.")) {
            wildcard_suffixes_.push_back(lowercase(std::string_view(host).substr(1)));
        } else {
            exact_hosts_.push_back(lowercase(host));
        }
    }
    exact_path_ = route.path.has_value();
    path_ = route.path ? *route.path : route.path_prefix;
}

std::string_view RouteMatcher::host_without_port(std::string_view authority) noexcept {
    if (authority.starts_with('[')) {
        const auto end = authority.find(']');
        return end == std::string_view::npos ? authority : authority.substr(0, end + 1);
    }
    const auto colon = authority.rfind(':');
    return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

bool RouteMatcher::matches_host(std::string_view host) const noexcept {
    for (const std::string& exact : exact_hosts_) {
        if (util::iequals(host, exact)) {
            return true;
        }
    }
    for (const std::string& suffix : wildcard_suffixes_) {
        // "*.example.com" needs at least one label before the suffix.
        if (host.size() > suffix.size() &&
            util::iequals(host.substr(host.size() - suffix.size()), suffix)) {
            return true;
        }
    }
    return false;
}

bool RouteMatcher::matches(const Request& request) const noexcept {
    if (!methods_.empty() &&
        std::find(methods_.begin(), methods_.end(), request.method) == methods_.end()) {
        return false;
    }
    if (exact_path_ ? request.path != path_ : !request.path.starts_with(path_)) {
        return false;
    }
    if (exact_hosts_.empty() && wildcard_suffixes_.empty()) {
        return true;
    }
    return matches_host(host_without_port(request.authority));
}

}  // namespace ringwall::proxy
