// src/config/route_parts.cc: respond, redirect, header operations and match conditions.
#include "config/route_parts.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>
#include <span>
#include <utility>

#include "config/http_syntax.h"
#include "config/suggest.h"
#include "config/toml_text.h"
#include "util/ascii.h"

namespace ringwall::config {
namespace {

constexpr std::array<std::string_view, 5> placeholders{"scheme", "host", "path", "query",
                                                       "request_uri"};

// Header names already given in a table or a group of lists, which a name may join once.
class Claims {
public:
    // Records `name` as given in `list` at `at`; reports it and returns false if it was
    // given before (names ignore case).
    bool claim(Reader& in, std::string_view name, std::string_view list,
               const toml::source_region& at, const std::string& key_path) {
        const auto [it, fresh] =
            names_.try_emplace(lowercase(std::string(name)), list, at.begin.line);
        if (fresh) {
            return true;
        }
        const std::string line = std::to_string(it->second.second);
        if (it->second.first == list) {
            in.error(at, key_path,
                     "duplicate header " + toml_string(name) + " (names ignore case; line " + line +
                         " has it already)");
        } else {
            in.error(at, key_path,
                     "header " + toml_string(name) + " is also in " +
                         std::string(it->second.first) + " (line " + line +
                         "); give each name to only one of add, set and remove");
        }
        return false;
    }

private:
    std::map<std::string, std::pair<std::string_view, std::uint32_t>> names_;  // → list, line
};

// A table of `name = "value"` fields in file order, as a response or request would carry
// them. `refuse(name)` gives an extra reason to refuse a valid name, or "".
template <typename Refuse>
void load_fields(Reader& in, const toml::table& table, const std::string& path, Claims& claims,
                 std::string_view list, Refuse refuse, std::vector<Header>& headers) {
    for (const auto& [key, value] : entries_in_file_order(table)) {
        const std::string key_path = child_path(path, key->str());
        std::string problem = field_name_error(key->str());
        if (problem.empty()) {
            problem = refuse(key->str());
        }
        if (!problem.empty()) {
            in.error(key->source(), key_path, std::move(problem));
            continue;
        }
        if (!claims.claim(in, key->str(), list, key->source(), key_path)) {
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

std::string no_refusal(std::string_view) {
    return {};
}

std::string control_name(char c) {
    switch (c) {
        case '\r':
            return "CR";
        case '\n':
            return "LF";
        case '\0':
            return "NUL";
        default: {
            char out[8];
            std::snprintf(out, sizeof out, "0x%02X", static_cast<unsigned char>(c));
            return std::string("byte ") + out;
        }
    }
}

std::string placeholder_list() {
    std::string out;
    for (std::string_view name : placeholders) {
        out += (out.empty() ? "{" : ", {") + std::string(name) + "}";
    }
    return out;
}

}  // namespace

std::string lowercase(std::string text) {
    for (char& c : text) {
        c = util::to_lower(c);
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

void load_respond(Reader& in, const toml::table& table, const std::string& path, Respond& respond) {
    const toml::node* body_node = nullptr;
    Claims claims;
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
                     load_fields(in, *t, p, claims, "headers", no_refusal, respond.headers);
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

std::string location_error(std::string_view location) {
    if (location.empty()) {
        return "must not be empty";
    }
    for (char c : location) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "must not contain control characters (found " + control_name(c) + ")";
        }
    }
    for (std::size_t i = 0; i < location.size(); ++i) {
        const std::string column = std::to_string(column_at(location, i));
        if (location[i] == '}') {
            return "unmatched \"}\" at column " + column +
                   " of the location; write \"%7D\" for a literal brace";
        }
        if (location[i] != '{') {
            continue;
        }
        const std::size_t close = location.find('}', i);
        if (close == std::string_view::npos) {
            return "unclosed \"{\" at column " + column +
                   " of the location; write \"%7B\" for a literal brace";
        }
        const std::string_view name = location.substr(i + 1, close - i - 1);
        if (std::find(placeholders.begin(), placeholders.end(), name) == placeholders.end()) {
            // Built by appending: g++ 12 warns (-Wrestrict, falsely) on "{" + std::string(...).
            std::string placeholder = "{";
            placeholder += name;
            placeholder += '}';
            std::string message = "unknown placeholder " + toml_string(placeholder);
            if (auto hint = suggest(name, std::span(placeholders.data(), placeholders.size()))) {
                std::string suggestion = "{";
                suggestion += *hint;
                suggestion += '}';
                message += "; did you mean " + toml_string(suggestion) + "?";
            }
            return message + " (placeholders: " + placeholder_list() + ")";
        }
        i = close;
    }
    return {};
}

void load_redirect(Reader& in, const toml::table& table, const std::string& path,
                   Redirect& redirect) {
    constexpr std::int64_t any_min = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t any_max = std::numeric_limits<std::int64_t>::max();
    in.fields(table, path,
              {
                  {"status",
                   [&](const toml::node& v, const std::string& p) {
                       const std::optional<std::int64_t> status = in.integer(v, p, any_min, any_max);
                       if (!status) {
                           return;
                       }
                       if (*status != 301 && *status != 302 && *status != 303 && *status != 307 &&
                           *status != 308) {
                           in.error(v.source(), p,
                                    "must be 301, 302, 303, 307 or 308, got " +
                                        std::to_string(*status));
                           return;
                       }
                       redirect.status = static_cast<std::uint16_t>(*status);
                   }},
                  {"location",
                   [&](const toml::node& v, const std::string& p) {
                       std::optional<std::string> text = in.string(v, p);
                       if (!text) {
                           return;
                       }
                       std::string problem = location_error(*text);
                       if (!problem.empty()) {
                           in.error(v.source(), p, std::move(problem));
                           return;
                       }
                       redirect.location = std::move(*text);
                   }},
              });
    if (!table.contains("location")) {
        in.error(table.source(), child_path(path, "location"),
                 "missing; a redirect needs a location such as \"https://{host}{request_uri}\"");
    }
}

void load_header_ops(Reader& in, const toml::table& table, const std::string& path,
                     Message message, HeaderOps& ops) {
    const bool request = message == Message::request;
    Claims claims;
    const auto fields = [&](std::string_view list, std::vector<Header>& headers) {
        return [&in, &claims, list, &headers, request](const toml::node& v, const std::string& p) {
            const toml::table* t = in.table(v, p);
            if (t == nullptr) {
                return;
            }
            load_fields(in, *t, p, claims, list,
                        [&](std::string_view name) -> std::string {
                            if (request && list == "add" && util::iequals(name, "host")) {
                                return "header " + toml_string(name) +
                                       " cannot be added: a request has one Host; use set to "
                                       "replace it";
                            }
                            return {};
                        },
                        headers);
        };
    };
    in.fields(table, path,
              {
                  {"add", fields("add", ops.add)},
                  {"set", fields("set", ops.set)},
                  {"remove",
                   [&](const toml::node& v, const std::string& p) {
                       const toml::array* array =
                           in.array(v, p, "an array of header names like [\"x-powered-by\"]");
                       if (array == nullptr) {
                           return;
                       }
                       for (std::size_t i = 0; i < array->size(); ++i) {
                           const toml::node& item = (*array)[i];
                           const std::string item_path = index_path(p, i);
                           std::optional<std::string> name = in.string(item, item_path);
                           if (!name) {
                               continue;
                           }
                           if (!is_token(*name)) {
                               in.error(item.source(), item_path,
                                        "header name " + toml_string(*name) +
                                            " is not a valid token");
                               continue;
                           }
                           if (request && util::iequals(*name, "host")) {
                               in.error(item.source(), item_path,
                                        "header " + toml_string(*name) +
                                            " cannot be removed: a request needs a Host; use set "
                                            "to replace it");
                               continue;
                           }
                           if (claims.claim(in, *name, "remove", item.source(), item_path)) {
                               ops.remove.push_back(lowercase(std::move(*name)));
                           }
                       }
                   }},
              });
}

void load_match_headers(Reader& in, const toml::table& table, const std::string& path,
                        std::vector<Header>& headers) {
    Claims claims;
    for (const auto& [key, value] : entries_in_file_order(table)) {
        const std::string key_path = child_path(path, key->str());
        if (!is_token(key->str())) {
            in.error(key->source(), key_path,
                     "header name " + toml_string(key->str()) + " is not a valid token");
            continue;
        }
        if (!claims.claim(in, key->str(), "match_headers", key->source(), key_path)) {
            continue;
        }
        std::optional<std::string> text = in.string(*value, key_path);
        if (!text) {
            continue;
        }
        std::string problem = field_value_error(*text);
        if (!problem.empty()) {
            in.error(value->source(), key_path, std::move(problem));
            continue;
        }
        headers.push_back(Header{lowercase(std::string(key->str())), std::move(*text)});
    }
}

void load_match_query(Reader& in, const toml::table& table, const std::string& path,
                      std::vector<Header>& parameters) {
    // Names compare exactly, as TOML keys do: a table cannot hold one twice.
    for (const auto& [key, value] : entries_in_file_order(table)) {
        const std::string key_path = child_path(path, key->str());
        const std::string name(key->str());
        std::string problem = query_parameter_error(name, true);
        if (!problem.empty()) {
            in.error(key->source(), key_path, std::move(problem));
            continue;
        }
        std::optional<std::string> text = in.string(*value, key_path);
        if (!text) {
            continue;
        }
        problem = query_parameter_error(*text, false);
        if (!problem.empty()) {
            in.error(value->source(), key_path, std::move(problem));
            continue;
        }
        parameters.push_back(Header{name, std::move(*text)});
    }
}

}  // namespace ringwall::config
