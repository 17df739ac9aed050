// src/proxy/pipeline.cc: compiling routes and answering requests from them.
#include "proxy/pipeline.h"

#include <algorithm>
#include <array>

#include "http1/serializer.h"
#include "util/ascii.h"

namespace ringwall::proxy {

namespace {

bool status_has_content(std::uint16_t status) noexcept {
    return status != 204 && status != 304 && status >= 200;
}

struct ErrorResponses {
    std::array<std::string, 600> bodies;
    std::array<std::string, 600> fields;
    ErrorResponses() {
        for (std::uint16_t status = 400; status < 600; ++status) {
            const std::string_view reason = http1::reason_phrase(status);
            bodies[status] = std::to_string(status) + " " + std::string(reason) + "\n";
            fields[status] = "Content-Type: text/plain\r\nContent-Length: " +
                             std::to_string(bodies[status].size()) + "\r\n";
        }
    }
};

const ErrorResponses& error_responses() {
    static const ErrorResponses responses;
    return responses;
}

}  // namespace

CompiledRoute::CompiledRoute(const config::Route& route) : route_(&route), matcher_(route) {
    const config::Respond& respond = route.respond;
    bool has_content_type = false;
    for (const config::Header& header : respond.headers) {
        has_content_type = has_content_type || util::iequals(header.name, "content-type");
        fields_ += header.name;
        fields_ += ": ";
        fields_ += header.value;
        fields_ += "\r\n";
    }
    const bool has_content = status_has_content(respond.status);
    if (has_content && !has_content_type && !respond.body.empty()) {
        fields_ += "Content-Type: text/plain\r\n";
    }
    if (has_content) {
        fields_ += "Content-Length: " + std::to_string(respond.body.size()) + "\r\n";
    }
    response_ = Response{.status = respond.status,
                         .fields = fields_,
                         .body = has_content ? std::string_view(respond.body) : std::string_view(),
                         .has_content_length = has_content};
}

Pipeline::Pipeline(std::shared_ptr<const config::Config> config) : config_(std::move(config)) {
    routes_.reserve(config_->routes.size());
    for (const config::Route& route : config_->routes) {
        routes_.emplace_back(route);
    }
    // Status line, Server, Date and Connection fields fit in this with room to spare.
    constexpr std::size_t fixed_fields_bound = 256;
    std::size_t largest = 0;
    for (const CompiledRoute& route : routes_) {
        largest = std::max(largest, route.response().fields.size());
    }
    for (std::uint16_t status = 400; status < 600; ++status) {
        largest = std::max(largest, error_responses().fields[status].size());
    }
    max_head_size_ = largest + fixed_fields_bound;
}

void Pipeline::run(Exchange& exchange) const {
    for (const CompiledRoute& route : routes_) {
        if (route.matcher().matches(exchange.request)) {
            exchange.route = &route;
            exchange.response = route.response();
            return;
        }
    }
    exchange.response = error_response(404);
}

Response Pipeline::error_response(std::uint16_t status) const {
    const ErrorResponses& errors = error_responses();
    if (status < 400 || status >= 600) {
        status = 500;
    }
    return Response{.status = status, .fields = errors.fields[status], .body = errors.bodies[status],
                    .has_content_length = true};
}

}  // namespace ringwall::proxy
