// src/config/listen_address.cc: listener address parsing.
#include "config/listen_address.h"

#include <arpa/inet.h>

#include <array>

#include "config/toml_text.h"

namespace ringwall::config {
namespace {

constexpr std::string_view forms = "expected \"host:port\", \"[ipv6]:port\" or \":port\"";

Parsed<std::uint16_t> parse_port(std::string_view text, std::string_view address) {
    std::uint32_t port = 0;
    bool ok = !text.empty() && text.size() <= 5;
    for (char c : text) {
        ok = ok && c >= '0' && c <= '9';
        port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (!ok || port > 65535) {
        return Parsed<std::uint16_t>::failure("port must be a number from 0 to 65535, got " +
                                              toml_string(text) + " in " + toml_string(address));
    }
    return {static_cast<std::uint16_t>(port), {}};
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
        std::array<unsigned char, 16> bytes{};
        if (inet_pton(AF_INET6, std::string(host).c_str(), bytes.data()) != 1) {
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
        std::array<unsigned char, 4> bytes{};
        if (!host.empty() && inet_pton(AF_INET, std::string(host).c_str(), bytes.data()) != 1) {
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

}  // namespace ringwall::config
