// tests/config/backend_test.cc: [[upstreams.backends]] addresses, weights and duplicates.
#include <gtest/gtest.h>

#include <string>

#include "config/listen_address.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using Errors = std::vector<std::string>;

// One listener, then `upstreams`: upstream tables start on line 3.
constexpr std::string_view listener = "[[listeners]]\naddress = \":80\"\n";

Errors upstream_errors(std::string_view upstreams) {
    return errors_of(std::string(listener) + std::string(upstreams));
}

BackendAddress backend_of(std::string_view text) {
    Parsed<BackendAddress> parsed = parse_backend_address(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error;
    return parsed.value;
}

std::string backend_error(std::string_view text) {
    Parsed<BackendAddress> parsed = parse_backend_address(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.error;
}

TEST(Backends, CheckAddressesAndWeights) {
    EXPECT_EQ(upstream_errors(R"([[upstreams]]
name = "a"
[[upstreams.backends]]
address = "localhost"
[[upstreams.backends]]
address = "app:0"
[[upstreams.backends]]
address = "10.0.0:80"
[[upstreams.backends]]
address = ":80"
weight = 0
[[upstreams.backends]]
weight = 1001
[[upstreams.backends]]
address = "*.internal:80"
[[upstreams.backends]]
address = 8080
)"),
              (Errors{"t.toml:6:11: upstreams[0].backends[0].address: missing port; expected "
                      "\"host:port\" or \"[ipv6]:port\", got \"localhost\"",
                      "t.toml:8:11: upstreams[0].backends[1].address: port must be a number from "
                      "1 to 65535, got \"0\" in \"app:0\"",
                      "t.toml:10:11: upstreams[0].backends[2].address: host \"10.0.0\" is not a "
                      "valid IPv4 address",
                      "t.toml:12:11: upstreams[0].backends[3].address: missing host in \":80\"; a "
                      "backend needs the address of a server",
                      "t.toml:13:10: upstreams[0].backends[3].weight: must be between 1 and 1000, "
                      "got 0",
                      "t.toml:14:1: upstreams[0].backends[4].address: missing; every backend "
                      "needs an address such as \"127.0.0.1:9000\"",
                      "t.toml:15:10: upstreams[0].backends[4].weight: must be between 1 and 1000, "
                      "got 1001",
                      "t.toml:17:11: upstreams[0].backends[5].address: host \"*.internal\" "
                      "contains \"*\"; host names hold letters, digits, '-', '_' and '.'",
                      "t.toml:19:11: upstreams[0].backends[6].address: expected a string, got "
                      "integer"}));
}

TEST(Backends, RefuseDuplicates) {
    EXPECT_EQ(upstream_errors(R"([[upstreams]]
name = "a"
backends = [
    { address = "[::1]:80" },
    { address = "[0::1]:80" },
    { address = "App.internal:80" },
    { address = "app.INTERNAL.:80" },
    { address = "app.internal:81" },
    { address = "127.0.0.1:80" },
]
[[upstreams]]
name = "b"
backends = [{ address = "127.0.0.1:80" }]
)"),
              (Errors{"t.toml:7:17: upstreams[0].backends[1].address: duplicate backend "
                      "\"[0::1]:80\"; upstreams[0].backends[0] (line 6) has it already; give that "
                      "one a larger weight instead",
                      "t.toml:9:17: upstreams[0].backends[3].address: duplicate backend "
                      "\"app.INTERNAL.:80\"; upstreams[0].backends[2] (line 8) has it already; "
                      "give that one a larger weight instead"}));
}

TEST(ParseBackendAddress, ReadsEveryForm) {
    const BackendAddress v4 = backend_of("127.0.0.1:9000");
    EXPECT_EQ(v4.host, "127.0.0.1");
    EXPECT_EQ(v4.port, 9000);
    EXPECT_FALSE(v4.is_name);
    const BackendAddress v6 = backend_of("[::ffff:10.0.0.1]:1");
    EXPECT_EQ(v6.host, "::ffff:10.0.0.1");
    EXPECT_EQ(v6.port, 1);
    EXPECT_FALSE(v6.is_name);
    const BackendAddress name = backend_of("My_Service.Svc.Cluster.Local.:65535");
    EXPECT_EQ(name.host, "my_service.svc.cluster.local.");
    EXPECT_EQ(name.port, 65535);
    EXPECT_TRUE(name.is_name);
    EXPECT_TRUE(backend_of("app:80").is_name);
    EXPECT_TRUE(backend_of("1a.example:80").is_name);
    const std::string label(63, 'a');
    EXPECT_TRUE(backend_of(label + ":1").is_name);
    const std::string longest = label + "." + label + "." + label + "." + std::string(61, 'b');
    EXPECT_TRUE(backend_of(longest + ":1").is_name);
    EXPECT_EQ(backend_error(longest + "b:1"),
              "host \"" + longest + "b\" is longer than 253 characters");
}

TEST(ParseBackendAddress, RefusesBadAddresses) {
    EXPECT_EQ(backend_error(""), "expected \"host:port\" or \"[ipv6]:port\", got an empty string");
    EXPECT_EQ(backend_error("app"),
              "missing port; expected \"host:port\" or \"[ipv6]:port\", got \"app\"");
    EXPECT_EQ(backend_error(":80"),
              "missing host in \":80\"; a backend needs the address of a server");
    EXPECT_EQ(backend_error("::1:80"),
              "IPv6 addresses need brackets, as in \"[::1]:9000\"; got \"::1:80\"");
    EXPECT_EQ(backend_error("[::1]"), "expected \"host:port\" or \"[ipv6]:port\", got \"[::1]\"");
    EXPECT_EQ(backend_error("[1.2.3.4]:80"), "\"1.2.3.4\" is not an IPv6 address");
    EXPECT_EQ(backend_error("256.1.1.1:80"), "host \"256.1.1.1\" is not a valid IPv4 address");
    EXPECT_EQ(backend_error("app:"), "port must be a number from 1 to 65535, got \"\" in \"app:\"");
    EXPECT_EQ(backend_error("app:65536"),
              "port must be a number from 1 to 65535, got \"65536\" in \"app:65536\"");
    EXPECT_EQ(backend_error("[::1]:http"),
              "port must be a number from 1 to 65535, got \"http\" in \"[::1]:http\"");
    EXPECT_EQ(backend_error("a..b:1"), "host \"a..b\" has an empty label");
    EXPECT_EQ(backend_error(".a:1"), "host \".a\" has an empty label");
    EXPECT_EQ(backend_error("1.2.3.4.:1"), "host \"1.2.3.4.\" is not a valid IPv4 address");
    EXPECT_EQ(backend_error("-a.b:1"), "host \"-a.b\" has a label starting or ending with '-'");
    EXPECT_EQ(backend_error(std::string(64, 'a') + ":1"),
              "host \"" + std::string(64, 'a') + "\" has a label longer than 63 characters");
    EXPECT_EQ(backend_error("a b:1"),
              "host \"a b\" contains \" \"; host names hold letters, digits, '-', '_' and '.'");
}

TEST(BackendKey, MatchesEquivalentSpellings) {
    EXPECT_EQ(backend_key(backend_of("[::1]:80")), backend_key(backend_of("[0::1]:80")));
    EXPECT_EQ(backend_key(backend_of("A.b:80")), backend_key(backend_of("a.B.:80")));
    EXPECT_NE(backend_key(backend_of("a.b:80")), backend_key(backend_of("a.b:81")));
    EXPECT_NE(backend_key(backend_of("127.0.0.1:80")), backend_key(backend_of("[::1]:80")));
}

}  // namespace
}  // namespace ringwall::config
