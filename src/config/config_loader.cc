// src/config/config_loader.cc: load_file / load_string, the root table, log, limits,
// timeouts and listeners. Upstreams are in upstream_loader.cc, routes in route_loader.cc,
// [files] in files_loader.cc.
#include <fcntl.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <map>

#include "config/config.h"
#include "config/files_loader.h"
#include "config/tls_loader.h"
#include "config/listen_address.h"
#include "config/reader.h"
#include "config/route_loader.h"
#include "config/toml_text.h"
#include "config/upstream_loader.h"
#include "util/ascii.h"

namespace ringwall::config {
namespace {

// A configuration is small; this bound only stops `-c /dev/zero` from eating memory.
constexpr std::size_t max_file_size = 16 * 1024 * 1024;
constexpr std::int64_t max_workers = 1024;
constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();

void load_workers(Reader& in, const toml::node& node, const std::string& path,
                  std::uint32_t& workers) {
    if (const auto* s = node.as_string()) {
        if (s->get() == "auto") {
            workers = 0;
        } else {
            in.error(node.source(), path,
                     "expected \"auto\" or an integer from 1 to 1024, got " +
                         toml_string(s->get()) +
                         (s->get().find_first_not_of("0123456789") == std::string::npos
                              ? "; write the number without quotes"
                              : ""));
        }
        return;
    }
    if (!node.is_integer()) {
        in.error(
            node.source(), path,
            "expected \"auto\" or an integer from 1 to 1024, got " + std::string(type_name(node)));
        return;
    }
    if (auto n = in.integer(node, path, 1, max_workers)) {
        workers = static_cast<std::uint32_t>(*n);
    }
}

// A log destination: one of the `keywords` or a file path; `refused` are keywords that
// would otherwise be taken as a file name by mistake.
void load_log_target(Reader& in, const toml::node& node, const std::string& path,
                     std::initializer_list<std::string_view> refused, std::string& target) {
    std::optional<std::string> value = in.string(node, path);
    if (!value) {
        return;
    }
    if (value->empty()) {
        in.error(node.source(), path, "must not be empty; give \"stderr\" or a file path");
        return;
    }
    if (value->find('\0') != std::string::npos) {
        in.error(node.source(), path, "a file path cannot contain NUL");
        return;
    }
    for (std::string_view keyword : refused) {
        if (*value == keyword) {
            in.error(node.source(), path,
                     "cannot be " + toml_string(keyword) + "; give \"stderr\" or a file path");
            return;
        }
    }
    // "OFF" or "Stderr" would open a file of that name: surely not what was meant.
    for (std::string_view keyword : {"off", "stdout", "stderr"}) {
        if (*value != keyword && util::iequals(*value, keyword)) {
            in.error(node.source(), path,
                     "keywords are lowercase; did you mean " + toml_string(keyword) + "?");
            return;
        }
    }
    target = std::move(*value);
}

void load_log(Reader& in, const toml::table& table, const std::string& path, Log& log) {
    in.fields(table, path,
              {
                  {"error_log",
                   [&](const toml::node& v, const std::string& p) {
                       load_log_target(in, v, p, {"off", "stdout"}, log.error_log);
                   }},
                  {"access_log",
                   [&](const toml::node& v, const std::string& p) {
                       load_log_target(in, v, p, {}, log.access_log);
                   }},
                  {"level",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto level = in.one_of(v, p, {"error", "warn", "info", "debug"})) {
                           log.level = std::move(*level);
                       }
                   }},
              });
}

void load_limits(Reader& in, const toml::table& table, const std::string& path, Limits& limits) {
    auto size = [&](std::uint64_t& target, bool allow_zero) {
        return [&in, target = &target, allow_zero](const toml::node& v, const std::string& p) {
            if (auto bytes = in.size(v, p, allow_zero)) {
                *target = *bytes;
            }
        };
    };
    auto count = [&](std::uint32_t& target) {
        return [&in, target = &target](const toml::node& v, const std::string& p) {
            if (auto n = in.integer(v, p, 1, u32_max)) {
                *target = static_cast<std::uint32_t>(*n);
            }
        };
    };
    in.fields(table, path,
              {
                  {"max_request_line", size(limits.max_request_line, false)},
                  {"max_field_size", size(limits.max_field_size, false)},
                  {"max_header_size", size(limits.max_header_size, false)},
                  {"max_fields", count(limits.max_fields)},
                  {"max_body_size", size(limits.max_body_size, false)},
                  {"max_connections", count(limits.max_connections)},
                  {"min_body_rate", size(limits.min_body_rate, true)},
              });
}

void load_timeouts(Reader& in, const toml::table& table, const std::string& path,
                   Timeouts& timeouts) {
    auto duration = [&](Duration& target) {
        return [&in, target = &target](const toml::node& v, const std::string& p) {
            if (auto d = in.duration(v, p)) {
                *target = *d;
            }
        };
    };
    in.fields(table, path,
              {
                  {"header", duration(timeouts.header)},
                  {"keepalive", duration(timeouts.keepalive)},
                  {"body", duration(timeouts.body)},
                  {"send", duration(timeouts.send)},
                  {"shutdown", duration(timeouts.shutdown)},
                  {"graceful_shutdown", duration(timeouts.graceful_shutdown)},
              });
}

// Reads one [[listeners]] table; returns where its address was written, if it was.
std::optional<toml::source_region> load_listener(Reader& in, const toml::table& table,
                                                 const std::string& path, Listener& listener) {
    std::optional<toml::source_region> address_at;
    in.fields(table, path,
              {
                  {"address",
                   [&](const toml::node& v, const std::string& p) {
                       std::optional<std::string> text = in.string(v, p);
                       if (!text) {
                           return;
                       }
                       Parsed<ListenAddress> parsed = parse_listen_address(*text);
                       if (!parsed.ok()) {
                           in.error(v.source(), p, std::move(parsed.error));
                           return;
                       }
                       listener.address = std::move(*text);
                       listener.host = std::move(parsed.value.host);
                       listener.port = parsed.value.port;
                       address_at = v.source();
                   }},
                  {"backlog",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto n = in.integer(v, p, 1, 65535)) {
                           listener.backlog = static_cast<std::uint32_t>(*n);
                       }
                   }},
                  {"http2",
                   [&](const toml::node& v, const std::string& p) {
                       if (auto b = in.boolean(v, p)) {
                           listener.http2 = *b;
                       }
                   }},
                  {"tls",
                   [&](const toml::node& v, const std::string& p) {
                       if (const toml::table* t = in.table(v, p)) {
                           load_listener_tls(in, *t, p, listener.tls.emplace());
                       }
                   }},
              });
    if (!table.contains("address")) {
        in.error(table.source(), child_path(path, "address"),
                 "missing; every listener needs an address such as \"127.0.0.1:8080\"");
    }
    return address_at;
}

std::vector<Listener> load_listeners(Reader& in, const toml::array& array,
                                     const std::string& path) {
    std::vector<Listener> listeners;
    // binding key → index and line of the first listener with it
    std::map<std::string, std::pair<std::size_t, std::uint32_t>> bound;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string item_path = index_path(path, i);
        const toml::table* table = in.table(array[i], item_path);
        if (table == nullptr) {
            continue;
        }
        Listener& listener = listeners.emplace_back();
        const std::optional<toml::source_region> at =
            load_listener(in, *table, item_path, listener);
        // Port 0 asks the kernel for a fresh port each time: two of them never clash.
        if (!at || listener.port == 0) {
            continue;
        }
        const auto [it, fresh] = bound.try_emplace(binding_key({listener.host, listener.port}),
                                                   std::pair{i, at->begin.line});
        if (!fresh) {
            in.error(*at, child_path(item_path, "address"),
                     "duplicate listener address " + toml_string(listener.address) + "; " +
                         index_path(path, it->second.first) + " (line " +
                         std::to_string(it->second.second) + ") already listens there");
        }
    }
    return listeners;
}

// The root table: every section, then the whole-file requirements.
Config load_root(Reader& in, const toml::table& root) {
    Config config;
    const toml::node* listeners = nullptr;
    const toml::node* routes = nullptr;
    std::vector<ProxyTarget> proxy_targets;
    in.fields(
        root, "",
        {
            {"workers", [&](const toml::node& v,
                            const std::string& p) { load_workers(in, v, p, config.workers); }},
            {"log",
             [&](const toml::node& v, const std::string& p) {
                 if (const toml::table* t = in.table(v, p)) {
                     load_log(in, *t, p, config.log);
                 }
             }},
            {"limits",
             [&](const toml::node& v, const std::string& p) {
                 if (const toml::table* t = in.table(v, p)) {
                     load_limits(in, *t, p, config.limits);
                 }
             }},
            {"timeouts",
             [&](const toml::node& v, const std::string& p) {
                 if (const toml::table* t = in.table(v, p)) {
                     load_timeouts(in, *t, p, config.timeouts);
                 }
             }},
            {"files",
             [&](const toml::node& v, const std::string& p) {
                 if (const toml::table* t = in.table(v, p)) {
                     load_files(in, *t, p, config.files);
                 }
             }},
            {"http2",
             [&](const toml::node& v, const std::string& p) {
                 if (const toml::table* t = in.table(v, p)) {
                     load_http2(in, *t, p, config.http2);
                 }
             }},
            {"listeners",
             [&](const toml::node& v, const std::string& p) {
                 listeners = &v;
                 if (const toml::array* a = in.array(v, p, "an array of tables ([[listeners]])")) {
                     config.listeners = load_listeners(in, *a, p);
                 }
             }},
            {"upstreams",
             [&](const toml::node& v, const std::string& p) {
                 config.upstreams = load_upstreams(in, v, p);
             }},
            {"routes",
             [&](const toml::node& v, const std::string& p) {
                 routes = &v;
                 LoadedRoutes loaded = load_routes(in, v, p);
                 config.routes = std::move(loaded.routes);
                 proxy_targets = std::move(loaded.proxy_targets);
             }},
        });
    // Routes may come before the upstreams they name.
    check_proxy_targets(in, proxy_targets, config.upstreams);
    const auto require = [&](const toml::node* node, std::string_view key, std::string message) {
        if (node == nullptr) {
            in.error(root.source(), std::string(key), std::move(message));
        } else if (node->is_array() && node->as_array()->empty()) {
            in.error(node->source(), std::string(key), std::move(message));
        }
    };
    require(listeners, "listeners",
            "at least one [[listeners]] table is required, e.g. address = \"127.0.0.1:8080\"");
    // No routes is a valid configuration: every request gets 404, as from an nginx server
    // block with no locations.
    (void)routes;
    return config;
}

LoadResult fail(std::string_view file, std::string message) {
    LoadResult result;
    result.errors.push_back(Diagnostic{std::string(file), 0, 0, {}, std::move(message)});
    return result;
}

}  // namespace

std::string Diagnostic::to_string() const {
    if (line == 0) {
        return file + ": " + message;
    }
    std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (!key_path.empty()) {
        out += key_path + ": ";
    }
    return out + message;
}

LoadResult load_string(std::string_view text, std::string_view source_name) {
    LoadResult result;
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        result.errors.push_back(Diagnostic{std::string(source_name),
                                           e.source().begin.line,
                                           e.source().begin.column,
                                           {},
                                           std::string(e.description())});
        return result;
    }
    Reader in{std::string(source_name)};
    Config config = load_root(in, root);
    config.source = std::string(source_name);
    result.errors = in.take_errors();
    if (result.errors.empty()) {
        result.config = std::make_shared<const Config>(std::move(config));
    }
    return result;
}

LoadResult load_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail(path, std::string("cannot open: ") + std::strerror(errno));
    }
    std::string text;
    char buffer[16 * 1024];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            return fail(path, std::string("cannot read: ") + std::strerror(error));
        }
        if (n == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > max_file_size) {
            ::close(fd);
            return fail(path, "file is larger than 16MiB; is it really a configuration?");
        }
    }
    ::close(fd);
    return load_string(text, path);
}

}  // namespace ringwall::config
