// src/proxy/exchange.h: one request and its response, independent of the downstream protocol.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringwall::proxy {

class CompiledRoute;

// Views point into the downstream codec's head (valid for the exchange's life).
struct Request {
    std::string_view method;
    std::string_view authority;  // Host, or the authority of an absolute-form target
    std::string_view path;
    std::string_view query;
};

struct Response {
    std::uint16_t status = 0;
    // Serialized field lines ("Name: value\r\n"...) owned by the pipeline snapshot, not
    // including Date, Server and Connection, which the downstream codec adds.
    std::string_view fields;
    std::string_view body;  // owned by the pipeline snapshot
    bool has_content_length = true;  // false for 204 and 304, which carry none
};

struct Exchange {
    Request request;
    const CompiledRoute* route = nullptr;
    Response response;
};

}  // namespace ringwall::proxy
