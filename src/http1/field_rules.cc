// src/http1/field_rules.cc: value grammars for Content-Length and Host.
#include "http1/field_rules.h"

#include <limits>

namespace ringwall::http1 {

namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

bool is_ip_literal(std::string_view host) noexcept {
    // host includes the brackets. A loose IPv6 check: hex digits, ':' and '.' (an embedded
    // IPv4 address), at least one ':'. Zone ids and IPvFuture are refused.
    if (host.size() < 4 || host.front() != '[' || host.back() != ']') {
        return false;
    }
    const std::string_view inner = host.substr(1, host.size() - 2);
    bool colon = false;
    for (char c : inner) {
        if (c == ':') {
            colon = true;
        } else if (!is_hexdig(c) && c != '.') {
            return false;
        }
    }
    return colon;
}

bool is_reg_name(std::string_view host) noexcept {
    for (std::size_t i = 0; i < host.size(); ++i) {
        const char c = host[i];
        if (c == '%') {
            if (i + 2 >= host.size() || !is_hexdig(host[i + 1]) || !is_hexdig(host[i + 2])) {
                return false;
            }
            i += 2;
        } else if (!has_class(c, byte_class::reg_name)) {
            return false;
        }
    }
    return true;
}

bool is_port(std::string_view port) noexcept {
    if (port.size() > 5) {
        return false;
    }
    unsigned value = 0;
    for (char c : port) {
        if (!is_digit(c)) {
            return false;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value <= 65535;
}

struct HostPort {
    std::string_view host;
    std::string_view port;
    bool has_port = false;
    bool ok = false;
};

HostPort split_host_port(std::string_view value) noexcept {
    HostPort out;
    std::size_t host_end = 0;
    if (!value.empty() && value.front() == '[') {
        const std::size_t close = value.find(']');
        if (close == std::string_view::npos) {
            return out;
        }
        host_end = close + 1;
        if (!is_ip_literal(value.substr(0, host_end))) {
            return out;
        }
    } else {
        host_end = value.find(':');
        if (host_end == std::string_view::npos) {
            host_end = value.size();
        }
        if (!is_reg_name(value.substr(0, host_end))) {
            return out;
        }
    }
    out.host = value.substr(0, host_end);
    if (host_end < value.size()) {
        if (value[host_end] != ':') {
            return out;
        }
        out.has_port = true;
        out.port = value.substr(host_end + 1);
        if (!is_port(out.port)) {
            return out;
        }
    }
    out.ok = true;
    return out;
}

}  // namespace

std::optional<std::uint64_t> parse_content_length(std::string_view value) noexcept {
    std::optional<std::uint64_t> result;
    std::size_t i = 0;
    for (;;) {
        const std::size_t start = i;
        std::uint64_t n = 0;
        while (i < value.size() && is_digit(value[i])) {
            const auto digit = static_cast<std::uint64_t>(value[i] - '0');
            if (n > (max_u64 - digit) / 10) {
                return std::nullopt;
            }
            n = n * 10 + digit;
            ++i;
        }
        if (i == start || (result && *result != n)) {
            return std::nullopt;
        }
        result = n;
        while (i < value.size() && is_ows(value[i])) {
            ++i;
        }
        if (i == value.size()) {
            return result;
        }
        if (value[i] != ',') {
            return std::nullopt;
        }
        ++i;
        while (i < value.size() && is_ows(value[i])) {
            ++i;
        }
    }
}

bool is_valid_host(std::string_view value) noexcept {
    if (value.empty()) {
        return true;
    }
    const HostPort hp = split_host_port(value);
    return hp.ok && !hp.host.empty();
}

bool is_valid_authority_form(std::string_view value) noexcept {
    const HostPort hp = split_host_port(value);
    return hp.ok && !hp.host.empty() && hp.has_port && !hp.port.empty();
}

}  // namespace ringwall::http1
