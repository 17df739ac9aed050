// src/config/files_loader.h: static file serving settings: a route's [routes.static]
// table and the top-level [files] table.
#pragma once

#include <toml++/toml.h>

#include <string>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

// [routes.static]: root (required; must name an existing directory when the file is
// loaded, relative paths against the working directory), index, fallback,
// list_directories, dotfiles, symlinks, cache_control, precompressed, compress and
// compress_min_size. Keys left out keep the defaults already in `files`.
void load_static_files(Reader& in, const toml::table& table, const std::string& path,
                       StaticFiles& files);

// [files]: cache sizes, mmap_threshold (>= cache_file_max), revalidate, max_ranges and
// mime_types, including the rule across cache_file_max and mmap_threshold.
void load_files(Reader& in, const toml::table& table, const std::string& path, Files& files);

}  // namespace ringwall::config
