// src/config/upstream_loader.h: the [[upstreams]] part of the loader.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

// Reads the value of the root "upstreams" key: an array of upstream tables, in file
// order, defaults filled in. Every problem, including duplicate names, goes to `in`.
// An upstream whose name is missing or refused keeps an empty name.
std::vector<Upstream> load_upstreams(Reader& in, const toml::node& node, const std::string& path);

}  // namespace ringwall::config
