// src/config/reader.h: typed, position-aware reads from a toml++ tree, collecting diagnostics.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace ringwall::config {

// "routes[0].respond" + "status" → "routes[0].respond.status"; keys that are not bare
// TOML keys are quoted ("headers.\"x y\"").
std::string child_path(std::string_view parent, std::string_view key);
// "routes" + 2 → "routes[2]".
std::string index_path(std::string_view parent, std::size_t index);

// What a node holds, as TOML names it: "integer", "float", "string", "table"...
std::string_view type_name(const toml::node& node);

// The entries of `table` in the order the file wrote them (toml::table sorts by key).
std::vector<std::pair<const toml::key*, const toml::node*>> entries_in_file_order(
    const toml::table& table);

// One key a table may hold and what to do with its value. `read` gets the value and
// its key path.
struct Field {
    std::string_view name;
    std::function<void(const toml::node& value, const std::string& path)> read;
};

// Reads one source: every read either returns a value or records a Diagnostic at the
// node's position and returns nullopt/nullptr, so a caller keeps its default and goes on
// to find the next error. Nothing here throws for bad input.
class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    void error(const toml::source_region& where, std::string key_path, std::string message);

    // Every diagnostic recorded so far, ordered by position (ties keep recording order).
    std::vector<Diagnostic> take_errors();

    // Walks `table` in file order: calls the Field named by each key, and reports each
    // other key as unknown, with a "did you mean" among `fields` when one is close.
    void fields(const toml::table& table, std::string_view path,
                std::initializer_list<Field> fields);

    const toml::table* table(const toml::node& node, const std::string& path);
    const toml::array* array(const toml::node& node, const std::string& path,
                             std::string_view expected = "an array");
    std::optional<std::string> string(const toml::node& node, const std::string& path);
    std::optional<bool> boolean(const toml::node& node, const std::string& path);
    // An integer in [min, max].
    std::optional<std::int64_t> integer(const toml::node& node, const std::string& path,
                                        std::int64_t min, std::int64_t max);
    // One of `allowed`, with a "did you mean" when the value is close to one.
    std::optional<std::string> one_of(const toml::node& node, const std::string& path,
                                      std::initializer_list<std::string_view> allowed);
    // A size (integer bytes or a string for parse_size); zero only if `allow_zero`.
    std::optional<std::uint64_t> size(const toml::node& node, const std::string& path,
                                      bool allow_zero);
    // A positive duration written as a string for parse_duration.
    std::optional<Duration> duration(const toml::node& node, const std::string& path);

private:
    void type_error(const toml::node& node, const std::string& path, std::string_view expected);

    std::string file_;
    std::vector<Diagnostic> errors_;
};

}  // namespace ringwall::config
