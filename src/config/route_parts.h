// src/config/route_parts.h: the tables inside a route (respond, redirect, header
// operations, header and query conditions), shared text checks, for route_loader.cc.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

std::string lowercase(std::string text);
bool has_control(std::string_view text);

// Calls `check` on each string of an array; it returns an error message or "".
template <typename Check>
void load_strings(Reader& in, const toml::node& node, const std::string& path,
                  std::string_view example, Check check) {
    const toml::array* array =
        in.array(node, path, "an array of strings like [" + std::string(example) + "]");
    if (array == nullptr) {
        return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string item_path = index_path(path, i);
        if (std::optional<std::string> text = in.string((*array)[i], item_path)) {
            std::string problem = check(std::move(*text));
            if (!problem.empty()) {
                in.error((*array)[i].source(), item_path, std::move(problem));
            }
        }
    }
}

// [routes.respond]: status, headers, body.
void load_respond(Reader& in, const toml::table& table, const std::string& path, Respond& respond);

// [routes.redirect]: status (301, 302, 303, 307, 308) and a required location template.
void load_redirect(Reader& in, const toml::table& table, const std::string& path,
                   Redirect& redirect);

// Why a redirect location template is refused, or "": empty, control characters, or a
// brace that is not one of the placeholders {scheme} {host} {path} {query} {request_uri}.
std::string location_error(std::string_view location);

enum class Message : std::uint8_t { request, response };

// [routes.request_headers] or [routes.response_headers]: add, set and remove.
void load_header_ops(Reader& in, const toml::table& table, const std::string& path,
                     Message message, HeaderOps& ops);

// match_headers: lowercase token names; a value, or "" for "present".
void load_match_headers(Reader& in, const toml::table& table, const std::string& path,
                        std::vector<Header>& headers);

// match_query: parameter names and values as a query carries them (not decoded); ""
// for "present".
void load_match_query(Reader& in, const toml::table& table, const std::string& path,
                      std::vector<Header>& parameters);

}  // namespace ringwall::config
