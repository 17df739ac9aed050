// tests/config/listener_test.cc: listener addresses, backlog and duplicates.
#include <gtest/gtest.h>

#include <string>

#include "config/listen_address.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::load_clean;
using Errors = std::vector<std::string>;

constexpr std::string_view route = "\n[[routes]]\nrespond = {}\n";

ListenAddress address_of(std::string_view text) {
    Parsed<ListenAddress> parsed = parse_listen_address(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error;
    return parsed.value;
}

std::string address_error(std::string_view text) {
    Parsed<ListenAddress> parsed = parse_listen_address(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.error;
}

TEST(ParseListenAddress, ReadsEveryForm) {
    EXPECT_EQ(address_of("127.0.0.1:8080").host, "127.0.0.1");
    EXPECT_EQ(address_of("127.0.0.1:8080").port, 8080);
    EXPECT_EQ(address_of("[::1]:443").host, "::1");
    EXPECT_EQ(address_of("[::1]:443").port, 443);
    EXPECT_EQ(address_of("[::]:80").host, "::");
    EXPECT_EQ(address_of(":80").host, "");
    EXPECT_EQ(address_of(":80").port, 80);
    EXPECT_EQ(address_of("0.0.0.0:0").port, 0);
    EXPECT_EQ(address_of(":65535").port, 65535);
    EXPECT_EQ(address_of("[::ffff:10.0.0.1]:1").host, "::ffff:10.0.0.1");
}

TEST(ParseListenAddress, RefusesBadPorts) {
    EXPECT_EQ(address_error(":65536"),
              "port must be a number from 0 to 65535, got \"65536\" in \":65536\"");
    EXPECT_EQ(address_error("1.2.3.4:"),
              "port must be a number from 0 to 65535, got \"\" in \"1.2.3.4:\"");
    EXPECT_EQ(address_error(":http"),
              "port must be a number from 0 to 65535, got \"http\" in \":http\"");
    EXPECT_EQ(address_error(":-1"), "port must be a number from 0 to 65535, got \"-1\" in \":-1\"");
    EXPECT_EQ(address_error(":000080"),
              "port must be a number from 0 to 65535, got \"000080\" in \":000080\"");
    EXPECT_EQ(address_error("[::1]:99999"),
              "port must be a number from 0 to 65535, got \"99999\" in \"[::1]:99999\"");
}

TEST(ParseListenAddress, RefusesBadHosts) {
    EXPECT_EQ(address_error(""),
              "expected \"host:port\", \"[ipv6]:port\" or \":port\", got an empty string");
    EXPECT_EQ(address_error("8080"),
              "missing host part; write \":8080\" to listen on every address");
    EXPECT_EQ(address_error("localhost"),
              "missing port; expected \"host:port\", \"[ipv6]:port\" or \":port\", got "
              "\"localhost\"");
    EXPECT_EQ(address_error("localhost:80"),
              "host \"localhost\" is not an IP address; listeners bind IP addresses "
              "(\"127.0.0.1:8080\", \"[::1]:8080\") or every address (\":8080\")");
    EXPECT_EQ(address_error("256.0.0.1:80"),
              "host \"256.0.0.1\" is not an IP address; listeners bind IP addresses "
              "(\"127.0.0.1:8080\", \"[::1]:8080\") or every address (\":8080\")");
    EXPECT_EQ(address_error("::1:8080"),
              "IPv6 addresses need brackets, as in \"[::1]:8080\"; got \"::1:8080\"");
    EXPECT_EQ(address_error("[::1]"),
              "expected \"host:port\", \"[ipv6]:port\" or \":port\", got \"[::1]\"");
    EXPECT_EQ(address_error("[::1]8080"),
              "expected \"host:port\", \"[ipv6]:port\" or \":port\", got \"[::1]8080\"");
    EXPECT_EQ(address_error("[1.2.3.4]:80"), "\"1.2.3.4\" is not an IPv6 address");
    EXPECT_EQ(address_error("[fe80::1%eth0]:80"), "\"fe80::1%eth0\" is not an IPv6 address");
}

TEST(BindingKey, MatchesEquivalentSpellings) {
    EXPECT_EQ(binding_key({"::1", 80}), binding_key({"0:0::1", 80}));
    EXPECT_EQ(binding_key({"", 80}), binding_key({"::", 80}));
    EXPECT_NE(binding_key({"", 80}), binding_key({"0.0.0.0", 80}));
    EXPECT_NE(binding_key({"127.0.0.1", 80}), binding_key({"127.0.0.1", 81}));
}

TEST(Listeners, ReadAddressAndBacklog) {
    const Config config = load_clean(std::string(R"([[listeners]]
address = "127.0.0.1:8080"
[[listeners]]
address = "[::1]:8080"
backlog = 128
[[listeners]]
address = ":0"
[[listeners]]
address = ":0"
)") + std::string(route));
    ASSERT_EQ(config.listeners.size(), 4u);
    EXPECT_EQ(config.listeners[0], (Listener{"127.0.0.1:8080", "127.0.0.1", 8080, 4096}));
    EXPECT_EQ(config.listeners[1], (Listener{"[::1]:8080", "::1", 8080, 128}));
    EXPECT_EQ(config.listeners[2], (Listener{":0", "", 0, 4096}));
}

TEST(Listeners, ReportAddressProblemsAtTheValue) {
    EXPECT_EQ(errors_of(std::string("[[listeners]]\naddress = \"localhost:80\"\n[[listeners]]\n"
                                    "address = 8080\nbacklog = 0\n[[listeners]]\nbacklog = 1\n") +
                        std::string(route)),
              (Errors{"t.toml:2:11: listeners[0].address: host \"localhost\" is not an IP address; "
                      "listeners bind IP addresses (\"127.0.0.1:8080\", \"[::1]:8080\") or every "
                      "address (\":8080\")",
                      "t.toml:4:11: listeners[1].address: expected a string, got integer",
                      "t.toml:5:11: listeners[1].backlog: must be between 1 and 65535, got 0",
                      "t.toml:6:1: listeners[2].address: missing; every listener needs an address "
                      "such as \"127.0.0.1:8080\""}));
}

TEST(Listeners, ReportUnknownKeys) {
    EXPECT_EQ(errors_of(std::string("[[listeners]]\naddress = \":80\"\nadress = \":81\"\n") +
                        std::string(route)),
              Errors{"t.toml:3:1: listeners[0].adress: unknown key \"adress\"; did you mean "
                     "\"address\"?"});
}

TEST(Listeners, RefuseDuplicateAddresses) {
    EXPECT_EQ(errors_of(std::string(R"([[listeners]]
address = "127.0.0.1:80"
[[listeners]]
address = ":80"
[[listeners]]
address = "127.0.0.1:80"
[[listeners]]
address = "[::]:80"
[[listeners]]
address = "[::1]:80"
[[listeners]]
address = "[0::1]:80"
)") + std::string(route)),
              (Errors{"t.toml:6:11: listeners[2].address: duplicate listener address "
                      "\"127.0.0.1:80\"; listeners[0] (line 2) already listens there",
                      "t.toml:8:11: listeners[3].address: duplicate listener address \"[::]:80\"; "
                      "listeners[1] (line 4) already listens there",
                      "t.toml:12:11: listeners[5].address: duplicate listener address "
                      "\"[0::1]:80\"; listeners[4] (line 10) already listens there"}));
}

TEST(Listeners, MustBeAnArrayOfTables) {
    EXPECT_EQ(errors_of(std::string("[listeners]\naddress = \":80\"\n") + std::string(route)),
              Errors{"t.toml:1:1: listeners: expected an array of tables ([[listeners]]), got "
                     "table"});
    EXPECT_EQ(errors_of(std::string("listeners = [\":80\"]\n") + std::string(route)),
              Errors{"t.toml:1:14: listeners[0]: expected a table, got string"});
}

}  // namespace
}  // namespace ringwall::config
