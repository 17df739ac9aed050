// src/config/route_loader.h: the [[routes]] part of the loader.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

// A route's `proxy = "NAME"`, kept to be checked once every upstream is known.
struct ProxyTarget {
    std::string upstream;
    std::string key_path;  // "routes[2].proxy"
    toml::source_region where;
};

struct LoadedRoutes {
    std::vector<Route> routes;
    std::vector<ProxyTarget> proxy_targets;
};

// Reads the value of the root "routes" key: an array of route tables, in file order,
// defaults filled in. Every problem, including duplicate names, goes to `in`; routes with
// problems are still returned so that the caller can count them.
LoadedRoutes load_routes(Reader& in, const toml::node& node, const std::string& path);

// Reports each target that names none of `upstreams`, with the known names.
void check_proxy_targets(Reader& in, const std::vector<ProxyTarget>& targets,
                         const std::vector<Upstream>& upstreams);

}  // namespace ringwall::config
