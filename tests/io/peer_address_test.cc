// tests/io/peer_address_test.cc: the client address as X-Forwarded-For and the access log
// print it, from real loopback connections.
#include "io/peer_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace ringwall::io {
namespace {

// Connects from `client_address` to a listener on IPv4 loopback (or the dual-stack
// wildcard), and returns what the accepted socket's PeerAddress prints.
std::string peer_text(int listen_family, const char* client_address, int client_family) {
    const int listener = ::socket(listen_family, SOCK_STREAM, 0);
    EXPECT_GE(listener, 0);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (listen_family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&storage);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        length = sizeof *in;
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_any;  // dual-stack: IPv4 clients arrive as ::ffff:a.b.c.d
        const int off = 0;
        ::setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        length = sizeof *in6;
    }
    EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&storage), length), 0);
    EXPECT_EQ(::listen(listener, 1), 0);
    EXPECT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&storage), &length), 0);
    const std::uint16_t port = listen_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&storage)->sin_port
                                                        : reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port;

    const int client = ::socket(client_family, SOCK_STREAM, 0);
    sockaddr_storage target{};
    socklen_t target_length = 0;
    if (client_family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&target);
        in->sin_family = AF_INET;
        ::inet_pton(AF_INET, client_address, &in->sin_addr);
        target_length = sizeof *in;
        // The source address is the one printed: bind it, then aim at the listener.
        EXPECT_EQ(::bind(client, reinterpret_cast<sockaddr*>(&target), target_length), 0);
        in->sin_port = port;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&target);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = port;
        ::inet_pton(AF_INET6, client_address, &in6->sin6_addr);
        target_length = sizeof *in6;
    }
    EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&target), target_length), 0);
    const int accepted = ::accept(listener, nullptr, nullptr);
    EXPECT_GE(accepted, 0);
    std::array<char, max_address_text> out{};
    const std::string text(PeerAddress::of_socket(accepted).text(out));
    ::close(accepted);
    ::close(client);
    ::close(listener);
    return text;
}

TEST(PeerAddress, PrintsIpv4) { EXPECT_EQ(peer_text(AF_INET, "127.0.0.1", AF_INET), "127.0.0.1"); }

TEST(PeerAddress, PrintsOtherLoopbackIpv4WithEveryDigitCount) {
    EXPECT_EQ(peer_text(AF_INET6, "127.10.200.9", AF_INET), "127.10.200.9");
}

TEST(PeerAddress, NamesMappedIpv4ClientsOfDualStackListenersAsIpv4) {
    EXPECT_EQ(peer_text(AF_INET6, "127.0.0.1", AF_INET), "127.0.0.1");
}

TEST(PeerAddress, PrintsIpv6) { EXPECT_EQ(peer_text(AF_INET6, "::1", AF_INET6), "::1"); }

TEST(PeerAddress, IsUnknownForWhatIsNotAConnectedSocket) {
    const PeerAddress peer = PeerAddress::of_socket(-1);
    std::array<char, max_address_text> out{};
    EXPECT_TRUE(peer.is_unknown());
    EXPECT_EQ(peer.text(out), "");
}

}  // namespace
}  // namespace ringwall::io
