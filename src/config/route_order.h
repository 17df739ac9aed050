// src/config/route_order.h: the route priority list that `ringwall -t` prints.
#pragma once

#include <string>

#include "config/config.h"

namespace ringwall::config {

// One line per route, in priority order (file order: the first route that matches a
// request answers it), each "N. NAME: CONDITIONS -> ACTION\n" with N counting from 1:
//
//   1. "api": hosts example.com *.example.com, path regex "^/api/v[0-9]+/", methods GET
//      HEAD, header x-env = "prod", header x-debug present, query debug = "1" -> proxy
//      "app", strip prefix "/api", add prefix "/v2"
//   2. "old": any host, path "/old", any method -> redirect 301 "https://{host}/new"
//   3. "hello": any host, path prefix "/", any method -> respond 200
//
// (each on one line). With no routes, one line saying that every request gets 404.
std::string describe_route_order(const Config& config);

}  // namespace ringwall::config
