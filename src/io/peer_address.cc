// src/io/peer_address.cc: getpeername(2) once, inet_ntop(3) per use.
#include "io/peer_address.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace ringwall::io {

PeerAddress PeerAddress::of_socket(int fd) noexcept {
    PeerAddress peer;
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
        return peer;
    }
    if (storage.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
        std::memcpy(peer.bytes_.data(), &in->sin_addr, 4);
        peer.family_ = Family::v4;
    } else if (storage.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            std::memcpy(peer.bytes_.data(), &in6->sin6_addr.s6_addr[12], 4);
            peer.family_ = Family::v4;
        } else {
            std::memcpy(peer.bytes_.data(), &in6->sin6_addr, 16);
            peer.family_ = Family::v6;
        }
    }
    return peer;
}

namespace {

// inet_ntop formats IPv4 through sprintf, which cost a proxied request more than its whole
// X-Forwarded-For handling; dotted quads are simple enough to write by hand.
std::size_t format_ipv4(const std::uint8_t* bytes, char* out) noexcept {
    char* p = out;
    for (int i = 0; i < 4; ++i) {
        const unsigned v = bytes[i];
        if (v >= 100) {
            *p++ = static_cast<char>('0' + v / 100);
        }
        if (v >= 10) {
            *p++ = static_cast<char>('0' + v / 10 % 10);
        }
        *p++ = static_cast<char>('0' + v % 10);
        if (i < 3) {
            *p++ = '.';
        }
    }
    return static_cast<std::size_t>(p - out);
}

}  // namespace

std::string_view PeerAddress::text(std::span<char, max_address_text> out) const noexcept {
    if (family_ == Family::unknown) {
        return {};
    }
    if (family_ == Family::v4) {
        return std::string_view(out.data(), format_ipv4(bytes_.data(), out.data()));
    }
    const int af = family_ == Family::v4 ? AF_INET : AF_INET6;
    if (::inet_ntop(af, bytes_.data(), out.data(), static_cast<socklen_t>(out.size())) == nullptr) {
        return {};
    }
    return std::string_view(out.data());
}

}  // namespace ringwall::io
