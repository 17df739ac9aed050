// src/proxy/header_rules.cc: field removal, addition and rewriting for forwarded messages.
#include "proxy/header_rules.h"

#include <algorithm>
#include <array>

#include "http1/serializer.h"
#include "util/ascii.h"

namespace ringwall::proxy {

namespace {

constexpr std::array<std::string_view, 7> hop_by_hop_names = {
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"};

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

void remove_named(std::vector<http1::Field>& fields, std::string_view name) {
    std::erase_if(fields, [name](const http1::Field& f) { return util::iequals(f.name, name); });
}

// Joins every value of `name` with ", " (RFC 9110 §5.3 list combination); empty if absent.
std::string combined(std::span<const http1::Field> fields, std::string_view name) {
    std::string out;
    for (const http1::Field& f : fields) {
        if (util::iequals(f.name, name) && !f.value.empty()) {
            if (!out.empty()) {
                out += ", ";
            }
            out += f.value;
        }
    }
    return out;
}

}  // namespace

bool is_hop_by_hop(std::string_view name) noexcept {
    return std::any_of(hop_by_hop_names.begin(), hop_by_hop_names.end(),
                       [name](std::string_view h) { return util::iequals(name, h); });
}

HopByHop::HopByHop(std::span<const http1::Field> fields) {
    for (const http1::Field& f : fields) {
        if (!util::iequals(f.name, "connection")) {
            continue;
        }
        std::string_view rest = f.value;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            const std::string_view token = trim(rest.substr(0, comma));
            if (!token.empty()) {
                named_.push_back(token);
            }
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
}

bool HopByHop::drops(std::string_view name) const noexcept {
    if (is_hop_by_hop(name)) {
        return true;
    }
    return std::any_of(named_.begin(), named_.end(),
                       [name](std::string_view token) { return util::iequals(name, token); });
}

bool has_ops(const config::HeaderOps& ops) noexcept {
    return !ops.remove.empty() || !ops.set.empty() || !ops.add.empty();
}

void apply_header_ops(std::vector<http1::Field>& fields, const config::HeaderOps& ops) {
    for (const std::string& name : ops.remove) {
        remove_named(fields, name);
    }
    for (const config::Header& header : ops.set) {
        remove_named(fields, header.name);
        fields.push_back(http1::Field{.name = header.name, .value = header.value});
    }
    for (const config::Header& header : ops.add) {
        fields.push_back(http1::Field{.name = header.name, .value = header.value});
    }
}

std::string rewrite_path(std::string_view path, std::string_view strip_prefix,
                         std::string_view add_prefix) {
    if (!strip_prefix.empty() && path.starts_with(strip_prefix)) {
        path.remove_prefix(strip_prefix.size());
    }
    std::string out;
    out.reserve(add_prefix.size() + path.size() + 1);
    out += add_prefix;
    if (!out.empty() && out.back() == '/' && path.starts_with('/')) {
        path.remove_prefix(1);
    } else if (!path.starts_with('/') && (out.empty() || out.back() != '/')) {
        out += '/';
    }
    out += path;
    if (out.front() != '/') {
        out.insert(out.begin(), '/');
    }
    return out;
}

void build_upstream_request(UpstreamRequestFields& out, const UpstreamRequestInput& input) {
    const http1::RequestHead& head = *input.head;
    const config::Route& route = *input.route;
    const HopByHop hop(head.fields);

    out.target = rewrite_path(head.path, route.strip_prefix, route.add_prefix);
    if (!head.query.empty()) {
        out.target += '?';
        out.target += head.query;
    }

    out.forwarded_for = combined(head.fields, "x-forwarded-for");
    if (!out.forwarded_for.empty()) {
        out.forwarded_for += ", ";
    }
    out.forwarded_for += input.client_address;
    out.via = combined(head.fields, "via");
    if (!out.via.empty()) {
        out.via += ", ";
    }
    out.via += via_value;
    out.length = std::to_string(input.content_length);

    std::vector<http1::Field>& fields = out.fields;
    fields.clear();
    fields.reserve(head.fields.size() + 8);
    bool has_host = false;
    for (const http1::Field& f : head.fields) {
        if (hop.drops(f.name) || util::iequals(f.name, "content-length") ||
            util::iequals(f.name, "x-forwarded-for") || util::iequals(f.name, "x-forwarded-proto") ||
            util::iequals(f.name, "x-forwarded-host") || util::iequals(f.name, "via")) {
            continue;
        }
        if (util::iequals(f.name, "host")) {
            // An absolute-form target's authority replaces Host (RFC 9112 §3.2.2).
            has_host = true;
            fields.push_back(http1::Field{.name = f.name, .value = head.authority});
            continue;
        }
        fields.push_back(f);
    }
    if (!has_host) {
        const std::string_view host = head.authority.empty() ? input.fallback_host : head.authority;
        fields.insert(fields.begin(), http1::Field{.name = "Host", .value = host});
    }
    fields.push_back(http1::Field{.name = "X-Forwarded-For", .value = out.forwarded_for});
    fields.push_back(http1::Field{.name = "X-Forwarded-Proto", .value = input.scheme});
    if (!head.authority.empty()) {
        fields.push_back(http1::Field{.name = "X-Forwarded-Host", .value = head.authority});
    }
    fields.push_back(http1::Field{.name = "Via", .value = out.via});
    // Framing last, after the operations, so that no configuration can change it (the
    // loop above already dropped the client's).
    if (has_ops(route.request_headers)) {
        apply_header_ops(fields, route.request_headers);
        remove_named(fields, "content-length");
        remove_named(fields, "transfer-encoding");
    }
    switch (input.framing) {
        case UpstreamFraming::none: break;
        case UpstreamFraming::content_length:
            fields.push_back(http1::Field{.name = "Content-Length", .value = out.length});
            break;
        case UpstreamFraming::chunked:
            fields.push_back(http1::Field{.name = "Transfer-Encoding", .value = "chunked"});
            break;
    }
    if (!input.upgrade.empty()) {
        remove_named(fields, "connection");
        remove_named(fields, "upgrade");
        fields.push_back(http1::Field{.name = "Connection", .value = "upgrade"});
        fields.push_back(http1::Field{.name = "Upgrade", .value = input.upgrade});
    }
}

bool append_upstream_request(std::string& out, const UpstreamRequestInput& input) {
    UpstreamRequestFields request;
    build_upstream_request(request, input);
    std::size_t size = input.head->method.size() + request.target.size() + 16;
    for (const http1::Field& f : request.fields) {
        size += f.name.size() + f.value.size() + 4;
    }
    out.reserve(out.size() + size);  // one allocation instead of a doubling per few fields
    return http1::append_request_head(out, input.head->method, request.target, request.fields);
}

void forward_response_fields(std::vector<http1::Field>& out, std::span<const http1::Field> upstream,
                             const config::HeaderOps& ops, bool keep_content_length,
                             std::string& via_storage) {
    const HopByHop hop(upstream);
    via_storage = combined(upstream, "via");
    if (!via_storage.empty()) {
        via_storage += ", ";
    }
    via_storage += via_value;
    out.clear();
    out.reserve(upstream.size() + 2);
    for (const http1::Field& f : upstream) {
        if (hop.drops(f.name) || util::iequals(f.name, "date") || util::iequals(f.name, "server") ||
            util::iequals(f.name, "via") ||
            (!keep_content_length && util::iequals(f.name, "content-length"))) {
            continue;
        }
        out.push_back(f);
    }
    out.push_back(http1::Field{.name = "Via", .value = via_storage});
    if (has_ops(ops)) {
        // The loop above dropped these; the operations must not bring them back.
        apply_header_ops(out, ops);
        if (!keep_content_length) {
            remove_named(out, "content-length");
        }
        remove_named(out, "transfer-encoding");
        remove_named(out, "connection");
    }
}

}  // namespace ringwall::proxy
