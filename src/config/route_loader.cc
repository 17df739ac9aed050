// src/config/route_loader.cc: [[routes]] tables and their [routes.respond] handler.
#include "config/route_loader.h"

#include <map>
#include <optional>

#include "config/http_syntax.h"
#include "config/toml_text.h"
#include "util/ascii.h"

namespace ringwall::config {
namespace {

std::string lowercase(std::string text) {
    for (char& c : text) {
        c = util::to_lower(c);
    }
    return text;
}

std::string uppercase(std::string text) {
    for (char& c : text) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return text;
}

bool has_control(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

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

void load_headers(Reader& in, const toml::table& table, const std::string& path,
                  std::vector<Header>& headers) {
    std::map<std::string, std::uint32_t> seen;  // lowercase name → line
    for (const auto& [key, value] : entries_in_file_order(table)) {
        const std::string key_path = child_path(path, key->str());
        std::string problem = field_name_error(key->str());
        if (!problem.empty()) {
            in.error(key->source(), key_path, std::move(problem));
            continue;
        }
        const auto [it, fresh] =
            seen.try_emplace(lowercase(std::string(key->str())), key->source().begin.line);
        if (!fresh) {
            in.error(key->source(), key_path,
                     "duplicate header " + toml_string(key->str()) + " (names ignore case; line " +
                         std::to_string(it->second) + " has it already)");
            continue;
        }
        std::optional<std::string> text = in.string(*value, key_path);
        if (!text) {
            continue;
        }
        problem = field_value_error(*text);
        if (!problem.empty()) {
            in.error(value->source(), key_path, std::move(problem));
            continue;
        }
        headers.push_back(Header{std::string(key->str()), std::move(*text)});
    }
}

void load_respond(Reader& in, const toml::table& table, const std::string& path, Respond& respond) {
    const toml::node* body_node = nullptr;
    in.fields(
        table, path,
        {
            {"status",
             [&](const toml::node& v, const std::string& p) {
                 // 1xx are interim responses: sent as a final answer, the client would wait
                 // for the real one forever.
                 if (auto status = in.integer(v, p, 200, 599)) {
                     respond.status = static_cast<std::uint16_t>(*status);
                 }
             }},
            {"body",
             [&](const toml::node& v, const std::string& p) {
                 if (auto body = in.string(v, p)) {
                     respond.body = std::move(*body);
                     body_node = &v;
                 }
             }},
            {"headers",
             [&](const toml::node& v, const std::string& p) {
                 if (const toml::table* t = in.table(v, p)) {
                     load_headers(in, *t, p, respond.headers);
                 }
             }},
        });
    // RFC 9110 §6.4.1: these responses end at their header section.
    const bool bodiless = respond.status < 200 || respond.status == 204 || respond.status == 304;
    if (bodiless && body_node != nullptr && !respond.body.empty()) {
        in.error(body_node->source(), child_path(path, "body"),
                 "a " + std::to_string(respond.status) + " response cannot have a body");
    }
}

struct Places {  // where a route wrote the keys checked across keys or routes
    std::optional<toml::source_region> name;
    std::optional<toml::source_region> path;
    std::optional<toml::source_region> path_prefix;
};

Places load_route(Reader& in, const toml::table& table, const std::string& path, Route& route) {
    Places places;
    in.fields(table, path,
              {
                  {"name",
                   [&](const toml::node& v, const std::string& p) {
                       std::optional<std::string> name = in.string(v, p);
                       if (!name) {
                           return;
                       }
                       if (name->empty() || has_control(*name)) {
                           in.error(v.source(), p,
                                    "a route name must be non-empty text without control "
                                    "characters");
                           return;
                       }
                       route.name = std::move(*name);
                       places.name = v.source();
                   }},
                  {"hosts",
                   [&](const toml::node& v, const std::string& p) {
                       load_strings(in, v, p, "\"example.com\"", [&](std::string host) {
                           // Host names compare without case (RFC 9110 §4.2.3); keep one spelling.
                           host = lowercase(std::move(host));
                           std::string problem = host_pattern_error(host);
                           if (problem.empty()) {
                               route.hosts.push_back(std::move(host));
                           }
                           return problem;
                       });
                   }},
                  {"path",
                   [&](const toml::node& v, const std::string& p) {
                       places.path = v.source();
                       if (std::optional<std::string> text = in.string(v, p)) {
                           std::string problem = path_error(*text);
                           if (!problem.empty()) {
                               in.error(v.source(), p, std::move(problem));
                               return;
                           }
                           route.path = std::move(*text);
                       }
                   }},
                  {"path_prefix",
                   [&](const toml::node& v, const std::string& p) {
                       places.path_prefix = v.source();
                       if (std::optional<std::string> text = in.string(v, p)) {
                           std::string problem = path_error(*text);
                           if (!problem.empty()) {
                               in.error(v.source(), p, std::move(problem));
                               return;
                           }
                           route.path_prefix = std::move(*text);
                       }
                   }},
                  {"methods",
                   [&](const toml::node& v, const std::string& p) {
                       load_strings(
                           in, v, p, "\"GET\", \"HEAD\"", [&](std::string method) -> std::string {
                               if (!is_token(method)) {
                                   return "method " + toml_string(method) + " is not a valid token";
                               }
                               if (uppercase(method) != method) {
                                   return "method " + toml_string(method) +
                                          " must be uppercase; did you mean " +
                                          toml_string(uppercase(method)) + "?";
                               }
                               route.methods.push_back(std::move(method));
                               return {};
                           });
                   }},
                  {"respond",
                   [&](const toml::node& v, const std::string& p) {
                       if (const toml::table* t = in.table(v, p)) {
                           load_respond(in, *t, p, route.respond);
                       }
                   }},
              });
    if (places.path && places.path_prefix) {
        const bool path_last = places.path->begin.line > places.path_prefix->begin.line ||
                               (places.path->begin.line == places.path_prefix->begin.line &&
                                places.path->begin.column > places.path_prefix->begin.column);
        in.error(path_last ? *places.path : *places.path_prefix,
                 child_path(path, path_last ? "path" : "path_prefix"),
                 "\"path\" and \"path_prefix\" cannot both be set: a route matches either one "
                 "exact path or a prefix");
    }
    if (!table.contains("respond")) {
        in.error(table.source(), child_path(path, "respond"),
                 "missing; every route needs a [routes.respond] table");
    }
    return places;
}

}  // namespace

std::vector<Route> load_routes(Reader& in, const toml::node& node, const std::string& path) {
    std::vector<Route> routes;
    const toml::array* array = in.array(node, path, "an array of tables ([[routes]])");
    if (array == nullptr) {
        return routes;
    }
    std::map<std::string, std::pair<std::size_t, std::uint32_t>> names;  // → index, line
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string item_path = index_path(path, i);
        const toml::table* table = in.table((*array)[i], item_path);
        if (table == nullptr) {
            continue;
        }
        Route& route = routes.emplace_back();
        route.name = item_path;
        const Places places = load_route(in, *table, item_path, route);
        const toml::source_region& at = places.name ? *places.name : table->source();
        const auto [it, fresh] = names.try_emplace(route.name, std::pair{i, at.begin.line});
        if (!fresh) {
            in.error(at, places.name ? child_path(item_path, "name") : item_path,
                     "duplicate route name " + toml_string(route.name) + "; " +
                         index_path(path, it->second.first) + " (line " +
                         std::to_string(it->second.second) + ") has it already");
        }
    }
    return routes;
}

}  // namespace ringwall::config
