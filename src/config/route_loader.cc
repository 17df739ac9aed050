// src/config/route_loader.cc: [[routes]] tables: match conditions, the action, the checks
// across keys and routes. The tables inside a route are read in route_parts.cc.
#include "config/route_loader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "config/files_loader.h"
#include "config/http_syntax.h"
#include "config/path_regex.h"
#include "config/route_parts.h"
#include "config/suggest.h"
#include "config/toml_text.h"

namespace ringwall::config {
namespace {

std::string uppercase(std::string text) {
    for (char& c : text) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return text;
}

struct Written {  // a key a route wrote, where its value is
    std::string_view key;
    toml::source_region at;
};

struct Places {  // where a route wrote the keys checked across keys or routes
    std::optional<toml::source_region> name;
    std::vector<Written> path_conditions;  // path, path_prefix, path_regex, in file order
    std::vector<Written> actions;          // respond, proxy, redirect, static, in file order
    std::vector<Written> action_bound;     // strip_prefix, add_prefix, request_headers
    std::optional<ProxyTarget> proxy;
};

std::string line_of(const toml::source_region& at) {
    return "line " + std::to_string(at.begin.line);
}

// A path to match (path, path_prefix) or a prefix to strip or add ("" allowed then).
void load_path(Reader& in, const toml::node& v, const std::string& p, bool allow_empty,
               std::string& target) {
    std::optional<std::string> text = in.string(v, p);
    if (!text) {
        return;
    }
    if (!(allow_empty && text->empty())) {
        std::string problem = path_error(*text);
        if (!problem.empty()) {
            in.error(v.source(), p, std::move(problem));
            return;
        }
    }
    target = std::move(*text);
}

// The keys of one route; the checks across them are in check_route.
Places load_route_keys(Reader& in, const toml::table& table, const std::string& path,
                       Route& route) {
    Places places;
    const auto table_of = [&](auto load) {
        return [&in, load](const toml::node& v, const std::string& p) {
            if (const toml::table* t = in.table(v, p)) {
                load(*t, p);
            }
        };
    };
    in.fields(
        table, path,
        {
            {"name",
             [&](const toml::node& v, const std::string& p) {
                 std::optional<std::string> name = in.string(v, p);
                 if (!name) {
                     return;
                 }
                 if (name->empty() || has_control(*name)) {
                     in.error(v.source(), p,
                              "a route name must be non-empty text without control characters");
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
                 places.path_conditions.push_back({"path", v.source()});
                 std::string text;
                 load_path(in, v, p, false, text);
                 if (!text.empty()) {
                     route.path = std::move(text);
                 }
             }},
            {"path_prefix",
             [&](const toml::node& v, const std::string& p) {
                 places.path_conditions.push_back({"path_prefix", v.source()});
                 load_path(in, v, p, false, route.path_prefix);
             }},
            {"path_regex",
             [&](const toml::node& v, const std::string& p) {
                 places.path_conditions.push_back({"path_regex", v.source()});
                 std::optional<std::string> text = in.string(v, p);
                 if (!text) {
                     return;
                 }
                 std::string problem = path_regex_error(*text);
                 if (!problem.empty()) {
                     in.error(v.source(), p, std::move(problem));
                     return;
                 }
                 route.path_regex = std::move(*text);
             }},
            {"methods",
             [&](const toml::node& v, const std::string& p) {
                 load_strings(in, v, p, "\"GET\", \"HEAD\"", [&](std::string method) -> std::string {
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
            {"match_headers", table_of([&](const toml::table& t, const std::string& p) {
                 load_match_headers(in, t, p, route.match_headers);
             })},
            {"match_query", table_of([&](const toml::table& t, const std::string& p) {
                 load_match_query(in, t, p, route.match_query);
             })},
            {"respond",
             [&](const toml::node& v, const std::string& p) {
                 places.actions.push_back({"respond", v.source()});
                 if (const toml::table* t = in.table(v, p)) {
                     load_respond(in, *t, p, route.respond);
                 }
             }},
            {"proxy",
             [&](const toml::node& v, const std::string& p) {
                 places.actions.push_back({"proxy", v.source()});
                 if (std::optional<std::string> upstream = in.string(v, p)) {
                     route.proxy = *upstream;
                     places.proxy = ProxyTarget{std::move(*upstream), p, v.source()};
                 }
             }},
            {"redirect",
             [&](const toml::node& v, const std::string& p) {
                 places.actions.push_back({"redirect", v.source()});
                 if (const toml::table* t = in.table(v, p)) {
                     load_redirect(in, *t, p, route.redirect);
                 }
             }},
            {"static",
             [&](const toml::node& v, const std::string& p) {
                 places.actions.push_back({"static", v.source()});
                 if (const toml::table* t = in.table(v, p)) {
                     load_static_files(in, *t, p, route.static_files);
                 }
             }},
            {"strip_prefix",
             [&](const toml::node& v, const std::string& p) {
                 places.action_bound.push_back({"strip_prefix", v.source()});
                 load_path(in, v, p, true, route.strip_prefix);
             }},
            {"add_prefix",
             [&](const toml::node& v, const std::string& p) {
                 places.action_bound.push_back({"add_prefix", v.source()});
                 load_path(in, v, p, true, route.add_prefix);
             }},
            {"request_headers",
             [&](const toml::node& v, const std::string& p) {
                 places.action_bound.push_back({"request_headers", v.source()});
                 if (const toml::table* t = in.table(v, p)) {
                     load_header_ops(in, *t, p, Message::request, route.request_headers);
                 }
             }},
            {"response_headers", table_of([&](const toml::table& t, const std::string& p) {
                 load_header_ops(in, t, p, Message::response, route.response_headers);
             })},
        });
    return places;
}

// The rules across a route's keys: one path condition, one action, keys that only some
// actions take.
void check_route(Reader& in, const toml::table& table, const std::string& path,
                 const Places& places, Route& route) {
    const auto& conditions = places.path_conditions;
    for (std::size_t i = 1; i < conditions.size(); ++i) {
        in.error(conditions[i].at, child_path(path, conditions[i].key),
                 toml_string(conditions[0].key) + " and " + toml_string(conditions[i].key) +
                     " cannot both be set: a route matches one exact path, a prefix or a "
                     "regular expression");
    }
    const auto& actions = places.actions;
    constexpr std::string_view one_action =
        "a route needs exactly one of respond, proxy, redirect, static";
    if (actions.empty()) {
        in.error(table.source(), path, std::string(one_action));
        return;
    }
    for (std::size_t i = 1; i < actions.size(); ++i) {
        in.error(actions[i].at, child_path(path, actions[i].key),
                 std::string(one_action) + "; it already has " + std::string(actions[0].key) +
                     " (" + line_of(actions[0].at) + ")");
    }
    const std::string_view action = actions[0].key;
    route.action = action == "proxy"      ? Action::proxy
                   : action == "redirect" ? Action::redirect
                   : action == "static"   ? Action::static_files
                                          : Action::respond;
    if (actions.size() != 1) {
        return;
    }
    for (const Written& key : places.action_bound) {
        // strip_prefix shortens the path a static route maps to a file, too.
        const bool with_static = key.key == "strip_prefix";
        if (route.action == Action::proxy ||
            (with_static && route.action == Action::static_files)) {
            continue;
        }
        in.error(key.at, child_path(path, key.key),
                 std::string("only allowed in a route with ") +
                     (with_static ? "proxy or static" : "proxy") + "; this route has " +
                     std::string(action));
    }
}

}  // namespace

LoadedRoutes load_routes(Reader& in, const toml::node& node, const std::string& path) {
    LoadedRoutes loaded;
    const toml::array* array = in.array(node, path, "an array of tables ([[routes]])");
    if (array == nullptr) {
        return loaded;
    }
    std::map<std::string, std::pair<std::size_t, std::uint32_t>> names;  // → index, line
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string item_path = index_path(path, i);
        const toml::table* table = in.table((*array)[i], item_path);
        if (table == nullptr) {
            continue;
        }
        Route& route = loaded.routes.emplace_back();
        route.name = item_path;
        const Places places = load_route_keys(in, *table, item_path, route);
        check_route(in, *table, item_path, places, route);
        if (places.proxy) {
            loaded.proxy_targets.push_back(*places.proxy);
        }
        const toml::source_region& at = places.name ? *places.name : table->source();
        const auto [it, fresh] = names.try_emplace(route.name, std::pair{i, at.begin.line});
        if (!fresh) {
            in.error(at, places.name ? child_path(item_path, "name") : item_path,
                     "duplicate route name " + toml_string(route.name) + "; " +
                         index_path(path, it->second.first) + " (line " +
                         std::to_string(it->second.second) + ") has it already");
        }
    }
    return loaded;
}

void check_proxy_targets(Reader& in, const std::vector<ProxyTarget>& targets,
                         const std::vector<Upstream>& upstreams) {
    std::vector<std::string_view> names;
    std::string known;
    for (const Upstream& upstream : upstreams) {
        if (!upstream.name.empty()) {
            names.push_back(upstream.name);
            known += (known.empty() ? "" : ", ") + toml_string(upstream.name);
        }
    }
    for (const ProxyTarget& target : targets) {
        if (std::find(names.begin(), names.end(), target.upstream) != names.end()) {
            continue;
        }
        std::string message = "no upstream named " + toml_string(target.upstream);
        if (names.empty()) {
            message += "; add an [[upstreams]] table with name = " + toml_string(target.upstream);
        } else {
            if (auto hint = suggest(target.upstream, names)) {
                message += "; did you mean " + toml_string(*hint) + "?";
            }
            message += " (upstreams: " + known + ")";
        }
        in.error(target.where, target.key_path, std::move(message));
    }
}

}  // namespace ringwall::config
