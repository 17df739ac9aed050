// src/io/socket_address.cc: address conversion and listener creation.
#include "io/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ringwall::io {

std::uint16_t SocketAddress::port() const noexcept {
    if (storage.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
    }
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
}

void SocketAddress::set_port(std::uint16_t port) noexcept {
    if (storage.ss_family == AF_INET) {
        reinterpret_cast<sockaddr_in*>(&storage)->sin_port = htons(port);
    } else {
        reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port = htons(port);
    }
}

std::string SocketAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (storage.ss_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text, sizeof text);
        return std::string(text) + ":" + std::to_string(port());
    }
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(port());
}

std::optional<SocketAddress> make_address(std::string_view host, std::uint16_t port) {
    SocketAddress out;
    const std::string h(host);
    if (h.empty()) {
        auto* a6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_any;
        a6->sin6_port = htons(port);
        out.length = sizeof(sockaddr_in6);
        return out;
    }
    auto* a4 = reinterpret_cast<sockaddr_in*>(&out.storage);
    if (::inet_pton(AF_INET, h.c_str(), &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        out.length = sizeof(sockaddr_in);
        return out;
    }
    out = SocketAddress{};
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    if (::inet_pton(AF_INET6, h.c_str(), &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        out.length = sizeof(sockaddr_in6);
        return out;
    }
    return std::nullopt;
}

int open_listener(const SocketAddress& address, int backlog) {
    const int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    // Accepted sockets inherit TCP_NODELAY: responses leave in one send, and Nagle would
    // only delay the next pipelined answer behind an unacknowledged one.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (address.storage.ss_family == AF_INET6) {
        const int zero = 0;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    }
    if (::bind(fd, address.get(), address.length) < 0 || ::listen(fd, backlog) < 0) {
        const int err = errno;
        ::close(fd);
        return -err;
    }
    return fd;
}

std::optional<SocketAddress> local_address(int fd) {
    SocketAddress out;
    out.length = sizeof out.storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&out.storage), &out.length) < 0) {
        return std::nullopt;
    }
    return out;
}

}  // namespace ringwall::io
