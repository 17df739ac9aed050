// src/config/upstream_parts.h: the tables inside an upstream (backends, pool, timeouts,
// health, circuit_breaker, retry), for upstream_loader.cc.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace ringwall::config {

// [[upstreams.backends]]: an array of tables, each with an address and a weight; the
// same backend twice is refused. Empty arrays are left to the caller to report.
void load_backends(Reader& in, const toml::node& node, const std::string& path,
                   std::vector<Backend>& backends);

void load_pool(Reader& in, const toml::table& table, const std::string& path,
               UpstreamPool& pool);
void load_upstream_timeouts(Reader& in, const toml::table& table, const std::string& path,
                            UpstreamTimeouts& timeouts);
// Including the rules across keys: max_ejection_time >= ejection_time and
// check_timeout < check_interval.
void load_health(Reader& in, const toml::table& table, const std::string& path,
                 HealthChecks& health);
void load_circuit_breaker(Reader& in, const toml::table& table, const std::string& path,
                          CircuitBreaker& breaker);
void load_retry(Reader& in, const toml::table& table, const std::string& path, Retry& retry);

}  // namespace ringwall::config
