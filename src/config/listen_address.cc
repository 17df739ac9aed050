// src/config/listen_address.cc: listener and backend address parsing.
#include "config/listen_address.h"

#include <arpa/inet.h>

#include <array>

#include "config/toml_text.h"

namespace ringwall::config {
namespace {

constexpr std::string_view forms = "expected \"host:port\", \"[ipv6]:port\" or \":port\"";

constexpr std::string_view backend_forms = "expected \"host:port\" or \"[ipv6]:port\"";

Parsed<std::uint16_t> parse_port(std::string_view text, std::string_view address,
                                 std::uint32_t min = 0) {
    std::uint32_t port = 0;
    bool ok = !text.empty() && text.size() <= 5;
    for (char c : text) {
        ok = ok && c >= '0' && c <= '9';
        port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (!ok || port < min || port > 65535) {
        return Parsed<std::uint16_t>::failure("port must be a number from " + std::to_string(min) +
                                              " to 65535, got " + toml_string(text) + " in " +
                                              toml_string(address));
    }
    return {static_cast<std::uint16_t>(port), {}};
}

bool is_ipv6(std::string_view host) {
    std::array<unsigned char, 16> bytes{};
    return inet_pton(AF_INET6, std::string(host).c_str(), bytes.data()) == 1;
}

bool is_ipv4(std::string_view host) {
    std::array<unsigned char, 4> bytes{};
    return inet_pton(AF_INET, std::string(host).c_str(), bytes.data()) == 1;
}

// A DNS name as resolvers take it: RFC 1123 labels, plus '_' (common in service names).
std::string dns_name_error(std::string_view host) {
    std::string_view name = host;
    if (name.ends_with('.')) {
        name.remove_suffix(1);  // an absolute name
    }
    if (name.size() > 253) {
        return "host " + toml_string(host) + " is longer than 253 characters";
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        const std::string_view label = name.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty()) {
            return "host " + toml_string(host) + " has an empty label";
        }
        if (label.size() > 63) {
            return "host " + toml_string(host) + " has a label longer than 63 characters";
        }
        for (char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return "host " + toml_string(host) + " contains " +
                       toml_string(std::string(1, c)) +
                       "; host names hold letters, digits, '-', '_' and '.'";
            }
        }
        if (label.front() == '-' || label.back() == '-') {
            return "host " + toml_string(host) + " has a label starting or ending with '-'";
        }
        if (dot == std::string_view::npos) {
            return {};
        }
        start = dot + 1;
    }
}

}  // namespace

Parsed<ListenAddress> parse_listen_address(std::string_view text) {
    using Result = Parsed<ListenAddress>;
    if (text.empty()) {
        return Result::failure(std::string(forms) + ", got an empty string");
    }
    std::string_view host;
    std::string_view port;
    if (text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return Result::failure(std::string(forms) + ", got " + toml_string(text));
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (!is_ipv6(host)) {
            return Result::failure(toml_string(host) + " is not an IPv6 address");
        }
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            if (text.find_first_not_of("0123456789") == std::string_view::npos) {
                return Result::failure("missing host part; write " +
                                       toml_string(":" + std::string(text)) +
                                       " to listen on every address");
            }
            return Result::failure("missing port; " + std::string(forms) + ", got " +
                                   toml_string(text));
        }
        if (text.find(':') != colon) {
            return Result::failure("IPv6 addresses need brackets, as in \"[::1]:8080\"; got " +
                                   toml_string(text));
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (!host.empty() && !is_ipv4(host)) {
            return Result::failure("host " + toml_string(host) +
                                   " is not an IP address; listeners bind IP addresses "
                                   "(\"127.0.0.1:8080\", \"[::1]:8080\") or every address "
                                   "(\":8080\")");
        }
    }
    Parsed<std::uint16_t> parsed_port = parse_port(port, text);
    if (!parsed_port.ok()) {
        return Result::failure(std::move(parsed_port.error));
    }
    return {ListenAddress{std::string(host), parsed_port.value}, {}};
}

std::string binding_key(const ListenAddress& address) {
    std::string host = address.host.empty() ? "::" : address.host;
    const int family = host.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    std::array<unsigned char, 16> bytes{};
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_pton(family, host.c_str(), bytes.data()) == 1 &&
        inet_ntop(family, bytes.data(), text.data(), text.size()) != nullptr) {
        host = text.data();
    }
    return "[" + host + "]:" + std::to_string(address.port);
}

Parsed<BackendAddress> parse_backend_address(std::string_view text) {
    using Result = Parsed<BackendAddress>;
    if (text.empty()) {
        return Result::failure(std::string(backend_forms) + ", got an empty string");
    }
    BackendAddress address;
    std::string_view port;
    if (text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return Result::failure(std::string(backend_forms) + ", got " + toml_string(text));
        }
        const std::string_view host = text.substr(1, close - 1);
        if (!is_ipv6(host)) {
            return Result::failure(toml_string(host) + " is not an IPv6 address");
        }
        address.host = std::string(host);
        port = text.substr(close + 2);
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            return Result::failure("missing port; " + std::string(backend_forms) + ", got " +
                                   toml_string(text));
        }
        if (text.find(':') != colon) {
            return Result::failure("IPv6 addresses need brackets, as in \"[::1]:9000\"; got " +
                                   toml_string(text));
        }
        const std::string_view host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.empty()) {
            return Result::failure("missing host in " + toml_string(text) +
                                   "; a backend needs the address of a server");
        }
        if (host.find_first_not_of("0123456789.") == std::string_view::npos) {
            if (!is_ipv4(host)) {
                return Result::failure("host " + toml_string(host) +
                                       " is not a valid IPv4 address");
            }
            address.host = std::string(host);
        } else {
            std::string problem = dns_name_error(host);
            if (!problem.empty()) {
                return Result::failure(std::move(problem));
            }
            for (char c : host) {
                address.host += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            }
            address.is_name = true;
        }
    }
    Parsed<std::uint16_t> parsed_port = parse_port(port, text, 1);
    if (!parsed_port.ok()) {
        return Result::failure(std::move(parsed_port.error));
    }
    address.port = parsed_port.value;
    return {std::move(address), {}};
}

std::string backend_key(const BackendAddress& address) {
    if (address.is_name) {
        std::string_view name = address.host;
        if (name.ends_with('.')) {
            name.remove_suffix(1);
        }
        return std::string(name) + ":" + std::to_string(address.port);
    }
    return binding_key(ListenAddress{address.host, address.port});
}

}  // namespace ringwall::config
