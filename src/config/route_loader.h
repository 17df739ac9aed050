// src/config/route_loader.h: the [[routes]] part of the loader.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

// Reads the value of the root "routes" key: an array of route tables, in file order,
// defaults filled in. Every problem, including duplicate names, goes to `in`; routes with
// problems are still returned so that the caller can count them.
std::vector<Route> load_routes(Reader& in, const toml::node& node, const std::string& path);

}  // namespace ringwall::config
