// src/proxy/pipeline.cc: compiling routes and answering requests from them.
#include "proxy/pipeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <netdb.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "http1/serializer.h"
#include "proxy/header_rules.h"
#include "proxy/redirect.h"
#include "util/ascii.h"
#include "util/log.h"

namespace ringwall::proxy {

namespace {

tls::ClientOptions client_options(const config::Upstream& upstream) {
    const config::UpstreamTls& settings = *upstream.tls;
    return tls::ClientOptions{
        .verify = settings.verify,
        .ca_file = settings.ca_file,
        .min_version = settings.min_tls13 ? tls::Version::tls1_3 : tls::Version::tls1_2,
        .alpn = {upstream.protocol == config::UpstreamProtocol::http2 ? "h2" : "http/1.1"},
        .certificate = settings.certificate,
        .key = settings.key,
    };
}

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

void append_fields(std::string& out, const std::vector<http1::Field>& fields) {
    for (const http1::Field& field : fields) {
        out += field.name;
        out += ": ";
        out += field.value;
        out += "\r\n";
    }
}

bool is_framing(std::string_view name) noexcept {
    return util::iequals(name, "content-length") || util::iequals(name, "transfer-encoding") ||
           util::iequals(name, "connection");
}

// The route's response_headers operations, minus any on framing fields, which the codec
// owns.
std::vector<http1::Field> with_ops(std::vector<http1::Field> fields, const config::HeaderOps& ops) {
    apply_header_ops(fields, ops);
    std::erase_if(fields, [](const http1::Field& f) { return is_framing(f.name); });
    return fields;
}

std::optional<io::SocketAddress> resolve(const config::Backend& backend) {
    if (std::optional<io::SocketAddress> literal = io::make_address(backend.host, backend.port)) {
        return literal;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(backend.host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr) {
        RINGWALL_LOG(warn, "backend " + backend.address + ": cannot resolve " + backend.host + ": " +
                               ::gai_strerror(rc));
        return std::nullopt;
    }
    io::SocketAddress address;
    std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
    address.length = found->ai_addrlen;
    address.set_port(backend.port);
    ::freeaddrinfo(found);
    return address;
}

}  // namespace

CompiledRoute::CompiledRoute(const config::Route& route) : route_(&route), matcher_(route) {
    if (route.action == config::Action::static_files) {
        // Operations on fields the handler writes itself (framing, validators) are not
        // prevented here: `set` of Cache-Control is a legitimate override, and duplicates
        // of the others are the configuration's to answer for.
        append_fields(fields_, with_ops({}, route.response_headers));
        return;
    }
    if (route.action == config::Action::redirect) {
        // Location, Content-Length and the note are per request; the rest is fixed.
        fields_ = "Content-Type: text/html\r\n";
        append_fields(fields_, with_ops({}, route.response_headers));
        response_ = Response{.status = route.redirect.status, .fields = fields_, .body = {},
                             .has_content_length = true};
        return;
    }
    const config::Respond& respond = route.respond;
    std::vector<http1::Field> fields;
    for (const config::Header& header : respond.headers) {
        fields.push_back(http1::Field{.name = header.name, .value = header.value});
    }
    fields = with_ops(std::move(fields), route.response_headers);
    const bool has_content_type = std::any_of(fields.begin(), fields.end(), [](const http1::Field& f) {
        return util::iequals(f.name, "content-type");
    });
    append_fields(fields_, fields);
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

void CompiledRoute::redirect(Exchange& exchange) const {
    const Request& request = exchange.request;
    const std::string location = expand_location(
        route_->redirect.location,
        LocationParts{.scheme = "http",
                      .host = RouteMatcher::host_without_port(request.authority),
                      .path = request.path,
                      .query = request.query});
    const std::string note = redirect_note(location);
    std::string& out = exchange.scratch;
    out.clear();
    out += "Location: ";
    out += location;
    out += "\r\n";
    out += fields_;
    out += "Content-Length: ";
    out += std::to_string(note.size());
    out += "\r\n";
    const std::size_t fields_size = out.size();
    out += note;
    const std::string_view all = out;
    exchange.response = Response{.status = route_->redirect.status,
                                 .fields = all.substr(0, fields_size),
                                 .body = all.substr(fields_size),
                                 .has_content_length = true};
}

Pipeline::Pipeline(std::shared_ptr<const config::Config> config) : config_(std::move(config)) {
    upstreams_.reserve(config_->upstreams.size());
    for (const config::Upstream& upstream : config_->upstreams) {
        CompiledUpstream compiled{.config = &upstream, .backends = {}, .tls = nullptr};
        for (const config::Backend& backend : upstream.backends) {
            compiled.backends.push_back(CompiledBackend{
                .config = &backend, .address = resolve(backend),
                .key = backend.host + ":" + std::to_string(backend.port)});
        }
        if (upstream.tls) {
            auto context = std::make_shared<const tls::ClientContext>(client_options(upstream));
            if (context->setup_error() && setup_error_.empty()) {
                setup_error_ = "upstreams[" + std::to_string(upstreams_.size()) + "].tls: " + *context->setup_error();
            }
            compiled.tls = std::move(context);
        }
        upstreams_.push_back(std::move(compiled));
    }
    for (const config::MimeType& type : config_->files.mime_types) {
        (void)mime_types_.set(type.extension, type.type);  // the loader checked both
    }
    routes_.reserve(config_->routes.size());
    for (const config::Route& route : config_->routes) {
        CompiledRoute& compiled = routes_.emplace_back(route);
        if (route.action == config::Action::static_files) {
            compiled.root_fd_ = ::open(route.static_files.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (route.action == config::Action::proxy) {
            const auto it = std::find_if(config_->upstreams.begin(), config_->upstreams.end(),
                                         [&](const config::Upstream& u) { return u.name == route.proxy; });
            // The loader resolves references; an unknown name keeps index == size(): 503.
            compiled.upstream_index_ = static_cast<std::size_t>(it - config_->upstreams.begin());
        }
    }
    // Status line, Server, Date and Connection fields fit in this with room to spare.
    constexpr std::size_t fixed_fields_bound = 256;
    // A redirect's Location grows by the request's host, path and query, which the
    // request line and field limits bound; its note is capped (redirect_note), and both
    // are written together, so the bound covers the note too.
    std::size_t longest_type = 128;
    for (const config::MimeType& type : config_->files.mime_types) {
        longest_type = std::max(longest_type, type.type.size());
    }
    std::size_t largest = 0;
    for (const CompiledRoute& route : routes_) {
        std::size_t size = route.response().fields.size();
        if (route.action() == config::Action::redirect) {
            size += 64 + route.config().redirect.location.size() + config_->limits.max_request_line +
                    config_->limits.max_field_size + redirect_note_limit;
        }
        if (route.action() == config::Action::static_files) {
            // Validators, type, length, coding, range and Vary lines, Cache-Control, a
            // Location as long as the request line (a directory's redirect).
            size += 1024 + route.config().static_files.cache_control.size() + longest_type +
                    config_->limits.max_request_line;
        }
        largest = std::max(largest, size);
    }
    for (std::uint16_t status = 400; status < 600; ++status) {
        largest = std::max(largest, error_responses().fields[status].size());
    }
    max_head_size_ = largest + fixed_fields_bound;
}

const CompiledRoute* Pipeline::match(const Request& request) const noexcept {
    for (const CompiledRoute& route : routes_) {
        if (route.matcher().matches(request)) {
            return &route;
        }
    }
    return nullptr;
}

void Pipeline::respond(Exchange& exchange) const {
    const CompiledRoute* route = exchange.route;
    if (route == nullptr) {
        exchange.response = error_response(404);
        return;
    }
    switch (route->action()) {
        case config::Action::respond: exchange.response = route->response(); return;
        case config::Action::redirect: route->redirect(exchange); return;
        case config::Action::proxy: break;
        case config::Action::static_files: break;
    }
    exchange.response = error_response(500);  // proxy and static routes do not come here
}

Pipeline::~Pipeline() {
    for (const CompiledRoute& route : routes_) {
        if (route.root_fd_ >= 0) {
            ::close(route.root_fd_);
        }
    }
}

void Pipeline::run(Exchange& exchange) const {
    exchange.route = match(exchange.request);
    respond(exchange);
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
