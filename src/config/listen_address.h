// src/config/listen_address.h: the "host:port" a listener binds or a backend connects to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/parsed.h"

namespace ringwall::config {

struct ListenAddress {
    std::string host;  // IP literal without brackets; "" for every address
    std::uint16_t port = 0;
};

// "1.2.3.4:80", "[::1]:80" or ":80" (every address). The host must be an IP literal:
// listeners bind without name resolution. Port 0..65535, decimal digits only.
Parsed<ListenAddress> parse_listen_address(std::string_view text);

// A key equal for two addresses exactly when they bind the same socket address:
// "[::1]" and "[0:0::1]" match, and so do ":80" and "[::]:80".
std::string binding_key(const ListenAddress& address);

struct BackendAddress {
    std::string host;  // IP literal without brackets, or a DNS name in lowercase
    std::uint16_t port = 0;
    bool is_name = false;  // host is a DNS name, resolved by the server
};

// "1.2.3.4:80", "[::1]:80" or "app.internal:80": an upstream server. IP literals as for
// listeners; a DNS name is checked for syntax only (labels of letters, digits, '-' and
// '_', at most 63 characters each and 253 in all, an optional final dot). Port 1..65535.
Parsed<BackendAddress> parse_backend_address(std::string_view text);

// A key equal for two backend addresses exactly when they name the same server:
// "[::1]:80" and "[0::1]:80" match, and so do "App.internal:80" and "app.internal.:80".
std::string backend_key(const BackendAddress& address);

}  // namespace ringwall::config
