// src/config/listen_address.h: the "host:port" a listener binds, parsed and compared.
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

}  // namespace ringwall::config
