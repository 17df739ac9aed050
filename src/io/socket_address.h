// src/io/socket_address.h: listener addresses and sockets.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringwall::io {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
    std::uint16_t port() const noexcept;
    void set_port(std::uint16_t port) noexcept;
    std::string to_string() const;  // "127.0.0.1:8080", "[::1]:8080"
};

// `host` is a numeric IPv4 or IPv6 address, or empty for every address (IPv6 dual-stack).
std::optional<SocketAddress> make_address(std::string_view host, std::uint16_t port);

// A non-blocking TCP listening socket with SO_REUSEPORT, so that each worker can own one
// on the same address. Returns the fd, or -errno.
int open_listener(const SocketAddress& address, int backlog);

// The address a socket is bound to (for port 0 listeners).
std::optional<SocketAddress> local_address(int fd);

}  // namespace ringwall::io
