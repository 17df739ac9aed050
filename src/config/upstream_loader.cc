// src/config/upstream_loader.cc: [[upstreams]] tables: name, balance, hash_key and the
// checks across upstreams. The tables inside an upstream are read in upstream_parts.cc.
#include "config/upstream_loader.h"

#include <map>
#include <optional>
#include <utility>

#include "config/http_syntax.h"
#include "config/parsed.h"
#include "config/suggest.h"
#include "config/tls_loader.h"
#include "config/toml_text.h"
#include "config/upstream_parts.h"
#include "util/ascii.h"

namespace ringwall::config {
namespace {

// `table_of(load)`: a Field reader that requires a table and hands it to load(table, path).
template <typename Load>
auto table_of(Reader& in, Load load) {
    return [&in, load](const toml::node& v, const std::string& p) {
        if (const toml::table* t = in.table(v, p)) {
            load(*t, p);
        }
    };
}

std::string name_error(std::string_view name) {
    if (name.empty()) {
        return "an upstream name must not be empty";
    }
    std::string lower;
    bool valid_lowercased = true;
    for (char c : name) {
        lower += util::to_lower(c);
        const char l = lower.back();
        valid_lowercased = valid_lowercased && ((l >= 'a' && l <= 'z') ||
                                                (l >= '0' && l <= '9') || l == '_' || l == '-');
    }
    if (lower == name && valid_lowercased) {
        return {};
    }
    std::string message = "upstream name " + toml_string(name) +
                          " may hold only lowercase letters, digits, '_' and '-'";
    if (valid_lowercased) {
        message += "; did you mean " + toml_string(lower) + "?";
    }
    return message;
}

// "client_address", "header:NAME" (NAME lowercased) or "cookie:NAME".
Parsed<std::string> parse_hash_key(std::string_view text) {
    using Result = Parsed<std::string>;
    if (text == "client_address") {
        return {std::string(text), {}};
    }
    for (std::string_view kind : {"header", "cookie"}) {
        const std::string prefix = std::string(kind) + ":";
        if (!text.starts_with(prefix)) {
            continue;
        }
        const std::string_view name = text.substr(prefix.size());
        if (!is_token(name)) {
            return Result::failure(std::string(kind) + " name " + toml_string(name) +
                                   " is not a valid token");
        }
        if (kind == "cookie") {
            return {std::string(text), {}};
        }
        std::string key = prefix;
        for (char c : name) {
            key += util::to_lower(c);
        }
        return {std::move(key), {}};
    }
    std::string message = "expected \"client_address\", \"header:NAME\" or \"cookie:NAME\", got " +
                          toml_string(text);
    if (auto hint = suggest(text, {"client_address"})) {
        message += "; did you mean " + toml_string(*hint) + "?";
    }
    return Result::failure(std::move(message));
}

struct Places {  // where an upstream wrote the keys checked across keys or upstreams
    std::optional<toml::source_region> name;
    std::optional<toml::source_region> hash_key;
    bool balance_refused = false;
};

Places load_upstream(Reader& in, const toml::table& table, const std::string& path,
                     Upstream& upstream) {
    Places places;
    const toml::node* backends = nullptr;
    in.fields(
        table, path,
        {
            {"name",
             [&](const toml::node& v, const std::string& p) {
                 std::optional<std::string> name = in.string(v, p);
                 if (!name) {
                     return;
                 }
                 std::string problem = name_error(*name);
                 if (!problem.empty()) {
                     in.error(v.source(), p, std::move(problem));
                     return;
                 }
                 upstream.name = std::move(*name);
                 places.name = v.source();
             }},
            {"balance",
             [&](const toml::node& v, const std::string& p) {
                 const auto balance =
                     in.one_of(v, p,
                               {"round_robin", "weighted_round_robin", "least_connections",
                                "p2c_ewma", "consistent_hash"});
                 if (!balance) {
                     places.balance_refused = true;
                     return;
                 }
                 upstream.balance = *balance == "weighted_round_robin" ? Balance::weighted_round_robin
                                    : *balance == "least_connections"  ? Balance::least_connections
                                    : *balance == "p2c_ewma"           ? Balance::p2c_ewma
                                    : *balance == "consistent_hash"    ? Balance::consistent_hash
                                                                       : Balance::round_robin;
             }},
            {"hash_key",
             [&](const toml::node& v, const std::string& p) {
                 places.hash_key = v.source();
                 std::optional<std::string> text = in.string(v, p);
                 if (!text) {
                     return;
                 }
                 Parsed<std::string> key = parse_hash_key(*text);
                 if (!key.ok()) {
                     in.error(v.source(), p, std::move(key.error));
                     return;
                 }
                 upstream.hash_key = std::move(key.value);
             }},
            {"backends",
             [&](const toml::node& v, const std::string& p) {
                 backends = &v;
                 load_backends(in, v, p, upstream.backends);
             }},
            {"pool", table_of(in,
                              [&](const toml::table& t, const std::string& p) {
                                  load_pool(in, t, p, upstream.pool);
                              })},
            {"timeouts", table_of(in,
                                  [&](const toml::table& t, const std::string& p) {
                                      load_upstream_timeouts(in, t, p, upstream.timeouts);
                                  })},
            {"health", table_of(in,
                                [&](const toml::table& t, const std::string& p) {
                                    load_health(in, t, p, upstream.health);
                                })},
            {"circuit_breaker", table_of(in,
                                         [&](const toml::table& t, const std::string& p) {
                                             load_circuit_breaker(in, t, p,
                                                                  upstream.circuit_breaker);
                                         })},
            {"retry", table_of(in,
                               [&](const toml::table& t, const std::string& p) {
                                   load_retry(in, t, p, upstream.retry);
                               })},
            {"protocol",
             [&](const toml::node& v, const std::string& p) {
                 if (auto protocol = in.one_of(v, p, {"http1.1", "http2"})) {
                     upstream.protocol = *protocol == "http2" ? UpstreamProtocol::http2 : UpstreamProtocol::http1;
                 }
             }},
            {"tls", table_of(in,
                             [&](const toml::table& t, const std::string& p) {
                                 load_upstream_tls(in, t, p, upstream.tls.emplace());
                             })},
        });
    if (!table.contains("name")) {
        in.error(table.source(), child_path(path, "name"),
                 "missing; every upstream needs a name for routes to use in proxy = \"NAME\"");
    }
    constexpr std::string_view no_backends =
        "at least one [[upstreams.backends]] table is required, e.g. address = "
        "\"127.0.0.1:9000\"";
    if (backends == nullptr) {
        in.error(table.source(), child_path(path, "backends"), std::string(no_backends));
    } else if (backends->is_array() && backends->as_array()->empty()) {
        in.error(backends->source(), child_path(path, "backends"), std::string(no_backends));
    }
    const toml::node* check_path = nullptr;
    if (const toml::node* health = table.get("health"); health != nullptr && health->is_table()) {
        check_path = health->as_table()->get("check_path");
    }
    if (check_path != nullptr && !upstream.health.check_path.empty() &&
        (upstream.tls || upstream.protocol != UpstreamProtocol::http1)) {
        // Refused rather than run: plaintext HTTP/1.1 probes would fail against these
        // backends and eject every one of them.
        in.error(check_path->source(), child_path(child_path(path, "health"), "check_path"),
                 "active health checks speak plain HTTP/1.1 and cannot yet reach backends behind "
                 "[upstreams.tls] or protocol = \"http2\"; passive checks still apply");
    }
    if (places.hash_key && !places.balance_refused &&
        upstream.balance != Balance::consistent_hash) {
        in.error(*places.hash_key, child_path(path, "hash_key"),
                 "only allowed with balance = \"consistent_hash\"");
    }
    return places;
}

}  // namespace

std::vector<Upstream> load_upstreams(Reader& in, const toml::node& node, const std::string& path) {
    std::vector<Upstream> upstreams;
    const toml::array* array = in.array(node, path, "an array of tables ([[upstreams]])");
    if (array == nullptr) {
        return upstreams;
    }
    std::map<std::string, std::pair<std::size_t, std::uint32_t>> names;  // → index, line
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string item_path = index_path(path, i);
        const toml::table* table = in.table((*array)[i], item_path);
        if (table == nullptr) {
            continue;
        }
        Upstream& upstream = upstreams.emplace_back();
        const Places places = load_upstream(in, *table, item_path, upstream);
        if (!places.name) {
            continue;
        }
        const auto [it, fresh] =
            names.try_emplace(upstream.name, std::pair{i, places.name->begin.line});
        if (!fresh) {
            in.error(*places.name, child_path(item_path, "name"),
                     "duplicate upstream name " + toml_string(upstream.name) + "; " +
                         index_path(path, it->second.first) + " (line " +
                         std::to_string(it->second.second) + ") has it already");
        }
    }
    return upstreams;
}

}  // namespace ringwall::config
