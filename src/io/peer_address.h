// src/io/peer_address.h: a connection's remote IP address, looked up once and kept small.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace ringwall::io {

// Longest text form: an IPv6 address with an embedded IPv4 one, plus the NUL.
inline constexpr std::size_t max_address_text = 46;

// A connection keeps this for life, so that every request on it (X-Forwarded-For, the
// access log, hashing on the client) costs no getpeername(2): 18 bytes instead of a
// sockaddr_storage or a string.
class PeerAddress {
public:
    // getpeername(2) of a connected socket; unknown() when it fails.
    static PeerAddress of_socket(int fd) noexcept;

    bool is_unknown() const noexcept { return family_ == Family::unknown; }
    // "192.0.2.1" or "2001:db8::1", written to `out`; IPv4 clients of a dual-stack listener
    // (::ffff:a.b.c.d) are named as IPv4, as other servers log them. "" when unknown.
    std::string_view text(std::span<char, max_address_text> out) const noexcept;

private:
    enum class Family : std::uint8_t { unknown, v4, v6 };
    std::array<std::uint8_t, 16> bytes_{};
    Family family_ = Family::unknown;
};

}  // namespace ringwall::io
