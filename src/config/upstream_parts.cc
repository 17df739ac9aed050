// src/config/upstream_parts.cc: an upstream's backends, connection pool, timeouts, health
// checks, circuit breaker and retry policy.
#include "config/upstream_parts.h"

#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "config/http_syntax.h"
#include "config/listen_address.h"
#include "config/toml_text.h"
#include "config/units.h"

namespace ringwall::config {
namespace {

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();

auto count(Reader& in, std::uint32_t& target, std::int64_t min, std::int64_t max) {
    return [&in, target = &target, min, max](const toml::node& v, const std::string& p) {
        if (auto n = in.integer(v, p, min, max)) {
            *target = static_cast<std::uint32_t>(*n);
        }
    };
}

// A duration; `at` (when given) records where a valid one was written.
auto duration(Reader& in, Duration& target,
              std::optional<toml::source_region>* at = nullptr) {
    return [&in, target = &target, at](const toml::node& v, const std::string& p) {
        if (auto d = in.duration(v, p)) {
            *target = *d;
            if (at != nullptr) {
                *at = v.source();
            }
        }
    };
}

std::string quoted_duration(Duration d) {
    return toml_string(format_duration(d));
}

// Reads one [[upstreams.backends]] table; returns its address and where it was written.
std::optional<std::pair<BackendAddress, toml::source_region>> load_backend(
    Reader& in, const toml::table& table, const std::string& path, Backend& backend) {
    std::optional<std::pair<BackendAddress, toml::source_region>> parsed_at;
    in.fields(table, path,
              {
                  {"address",
                   [&](const toml::node& v, const std::string& p) {
                       std::optional<std::string> text = in.string(v, p);
                       if (!text) {
                           return;
                       }
                       Parsed<BackendAddress> parsed = parse_backend_address(*text);
                       if (!parsed.ok()) {
                           in.error(v.source(), p, std::move(parsed.error));
                           return;
                       }
                       backend.address = std::move(*text);
                       backend.host = parsed.value.host;
                       backend.port = parsed.value.port;
                       parsed_at.emplace(std::move(parsed.value), v.source());
                   }},
                  {"weight", count(in, backend.weight, 1, 1000)},
              });
    if (!table.contains("address")) {
        in.error(table.source(), child_path(path, "address"),
                 "missing; every backend needs an address such as \"127.0.0.1:9000\"");
    }
    return parsed_at;
}

void load_expected_status(Reader& in, const toml::node& node, const std::string& path,
                          HealthChecks& health) {
    const toml::array* array = in.array(node, path, "an array [min, max] like [200, 399]");
    if (array == nullptr) {
        return;
    }
    if (array->size() != 2) {
        in.error(node.source(), path,
                 "expected two statuses [min, max] like [200, 399], got " +
                     std::to_string(array->size()));
        return;
    }
    const auto min = in.integer((*array)[0], index_path(path, 0), 100, 599);
    const auto max = in.integer((*array)[1], index_path(path, 1), 100, 599);
    if (!min || !max) {
        return;
    }
    if (*min > *max) {
        in.error(node.source(), path,
                 "the minimum " + std::to_string(*min) + " is greater than the maximum " +
                     std::to_string(*max));
        return;
    }
    health.expected_status_min = static_cast<std::uint16_t>(*min);
    health.expected_status_max = static_cast<std::uint16_t>(*max);
}

}  // namespace

void load_backends(Reader& in, const toml::node& node, const std::string& path,
                   std::vector<Backend>& backends) {
    const toml::array* array =
        in.array(node, path, "an array of tables ([[upstreams.backends]])");
    if (array == nullptr) {
        return;
    }
    std::map<std::string, std::pair<std::size_t, std::uint32_t>> seen;  // key → index, line
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string item_path = index_path(path, i);
        const toml::table* table = in.table((*array)[i], item_path);
        if (table == nullptr) {
            continue;
        }
        Backend& backend = backends.emplace_back();
        const auto parsed = load_backend(in, *table, item_path, backend);
        if (!parsed) {
            continue;
        }
        const auto [it, fresh] = seen.try_emplace(backend_key(parsed->first),
                                                  std::pair{i, parsed->second.begin.line});
        if (!fresh) {
            in.error(parsed->second, child_path(item_path, "address"),
                     "duplicate backend " + toml_string(backend.address) + "; " +
                         index_path(path, it->second.first) + " (line " +
                         std::to_string(it->second.second) +
                         ") has it already; give that one a larger weight instead");
        }
    }
}

void load_pool(Reader& in, const toml::table& table, const std::string& path,
               UpstreamPool& pool) {
    in.fields(table, path,
              {
                  {"max_idle", count(in, pool.max_idle, 0, 100'000)},
                  {"idle_timeout", duration(in, pool.idle_timeout)},
                  {"max_requests", count(in, pool.max_requests, 0, u32_max)},
              });
}

void load_upstream_timeouts(Reader& in, const toml::table& table, const std::string& path,
                            UpstreamTimeouts& timeouts) {
    in.fields(table, path,
              {
                  {"connect", duration(in, timeouts.connect)},
                  {"header", duration(in, timeouts.header)},
                  {"idle_read", duration(in, timeouts.idle_read)},
                  {"total", duration(in, timeouts.total)},
                  {"tunnel_idle", duration(in, timeouts.tunnel_idle)},
              });
}

void load_health(Reader& in, const toml::table& table, const std::string& path,
                 HealthChecks& health) {
    std::optional<toml::source_region> ejection_at, max_ejection_at, interval_at, timeout_at;
    in.fields(table, path,
              {
                  {"max_failures", count(in, health.max_failures, 1, u32_max)},
                  {"ejection_time", duration(in, health.ejection_time, &ejection_at)},
                  {"max_ejection_time", duration(in, health.max_ejection_time, &max_ejection_at)},
                  {"check_path",
                   [&](const toml::node& v, const std::string& p) {
                       std::optional<std::string> text = in.string(v, p);
                       if (!text) {
                           return;
                       }
                       std::string problem = text->empty() ? "" : request_target_error(*text);
                       if (!problem.empty()) {
                           in.error(v.source(), p, std::move(problem));
                           return;
                       }
                       health.check_path = std::move(*text);
                   }},
                  {"check_interval", duration(in, health.check_interval, &interval_at)},
                  {"check_timeout", duration(in, health.check_timeout, &timeout_at)},
                  {"healthy_threshold", count(in, health.healthy_threshold, 1, u32_max)},
                  {"unhealthy_threshold", count(in, health.unhealthy_threshold, 1, u32_max)},
                  {"expected_status",
                   [&](const toml::node& v, const std::string& p) {
                       load_expected_status(in, v, p, health);
                   }},
              });
    // Each rule is reported at the key written last of its pair, or at the one written.
    if (health.max_ejection_time < health.ejection_time) {
        if (max_ejection_at) {
            in.error(*max_ejection_at, child_path(path, "max_ejection_time"),
                     "must not be less than ejection_time (" +
                         quoted_duration(health.ejection_time) + "), got " +
                         quoted_duration(health.max_ejection_time));
        } else if (ejection_at) {
            in.error(*ejection_at, child_path(path, "ejection_time"),
                     "must not be greater than max_ejection_time (" +
                         quoted_duration(health.max_ejection_time) + ", the default), got " +
                         quoted_duration(health.ejection_time));
        }
    }
    if (health.check_timeout >= health.check_interval) {
        if (timeout_at) {
            in.error(*timeout_at, child_path(path, "check_timeout"),
                     "must be less than check_interval (" +
                         quoted_duration(health.check_interval) + "), got " +
                         quoted_duration(health.check_timeout));
        } else if (interval_at) {
            in.error(*interval_at, child_path(path, "check_interval"),
                     "must be greater than check_timeout (" +
                         quoted_duration(health.check_timeout) + ", the default), got " +
                         quoted_duration(health.check_interval));
        }
    }
}

void load_circuit_breaker(Reader& in, const toml::table& table, const std::string& path,
                          CircuitBreaker& breaker) {
    in.fields(table, path,
              {
                  {"failure_threshold", count(in, breaker.failure_threshold, 1, u32_max)},
                  {"open_time", duration(in, breaker.open_time)},
                  {"half_open_requests", count(in, breaker.half_open_requests, 1, u32_max)},
              });
}

void load_retry(Reader& in, const toml::table& table, const std::string& path, Retry& retry) {
    in.fields(table, path,
              {
                  {"attempts", count(in, retry.attempts, 1, 10)},
                  {"budget_percent", count(in, retry.budget_percent, 0, 100)},
                  {"min_per_second", count(in, retry.min_per_second, 0, u32_max)},
              });
}

}  // namespace ringwall::config
