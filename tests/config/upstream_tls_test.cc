// tests/config/upstream_tls_test.cc: an upstream's protocol and [upstreams.tls]: values,
// defaults, and the errors an operator sees for each mistake.
#include <gtest/gtest.h>

#include <string>

#include "config/toml_text.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::load_clean;
using testing::TempDir;
using Errors = std::vector<std::string>;

// An upstream whose last table is open for more keys: "[upstreams.tls]\n..." or
// "protocol = ...".
constexpr std::string_view listener = "[[listeners]]\naddress = \":80\"\n";

std::string upstream(const std::string& tail) {
    return std::string(listener) + "[[upstreams]]\nname = \"app\"\n[[upstreams.backends]]\naddress = \"127.0.0.1:9000\"\n"
           "[upstreams.pool]\nmax_idle = 8\n" +
           tail + "\n[[routes]]\nproxy = \"app\"\n";
}

std::string upstream_with(const std::string& keys) {
    return std::string(listener) + "[[upstreams]]\nname = \"app\"\n" + keys +
           "[[upstreams.backends]]\naddress = \"127.0.0.1:9000\"\n\n[[routes]]\nproxy = \"app\"\n";
}

TEST(UpstreamTls, AbsentMeansPlainHttp11) {
    const Config config = load_clean(upstream(""));
    EXPECT_FALSE(config.upstreams[0].tls.has_value());
    EXPECT_EQ(config.upstreams[0].protocol, UpstreamProtocol::http1);
}

TEST(UpstreamTls, DefaultsVerifyAgainstTheSystemStoreByBackendName) {
    const Config config = load_clean(upstream("[upstreams.tls]\n"));
    ASSERT_TRUE(config.upstreams[0].tls.has_value());
    const UpstreamTls& tls = *config.upstreams[0].tls;
    EXPECT_TRUE(tls.verify);
    EXPECT_EQ(tls.ca_file, "");
    EXPECT_EQ(tls.server_name, "");
    EXPECT_FALSE(tls.min_tls13);
    EXPECT_EQ(tls.certificate, "");
}

TEST(UpstreamTls, ReadsEverySetting) {
    TempDir dir;
    const std::string ca = dir.make_file("ca.pem");
    const std::string cert = dir.make_file("client.pem");
    const std::string key = dir.make_file("client.key");
    const Config config = load_clean(upstream("[upstreams.tls]\nverify = false\nca_file = \"" + ca +
                                              "\"\nserver_name = \"api.internal\"\nmin_version = \"1.3\"\n"
                                              "certificate = \"" + cert + "\"\nkey = \"" + key + "\"\n"));
    const UpstreamTls& tls = *config.upstreams[0].tls;
    EXPECT_FALSE(tls.verify);
    EXPECT_EQ(tls.ca_file, ca);
    EXPECT_EQ(tls.server_name, "api.internal");
    EXPECT_TRUE(tls.min_tls13);
    EXPECT_EQ(tls.certificate, cert);
    EXPECT_EQ(tls.key, key);
}

TEST(UpstreamTls, ProtocolIsHttp11OrHttp2) {
    EXPECT_EQ(load_clean(upstream_with("protocol = \"http2\"\n")).upstreams[0].protocol, UpstreamProtocol::http2);
    EXPECT_EQ(load_clean(upstream_with("protocol = \"http1.1\"\n")).upstreams[0].protocol, UpstreamProtocol::http1);
    const Errors errors = errors_of(upstream_with("protocol = \"h2\"\n"));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].rfind("t.toml:5:12: upstreams[0].protocol: ", 0), 0U) << errors[0];
    EXPECT_NE(errors[0].find("\"http2\""), std::string::npos) << errors[0];
}

TEST(UpstreamTls, ReportsUnreadableFilesWithTheirPosition) {
    EXPECT_EQ(errors_of(upstream("[upstreams.tls]\nca_file = \"/nonexistent/ca.pem\"\n")),
              (Errors{"t.toml:10:11: upstreams[0].tls.ca_file: cannot read \"/nonexistent/ca.pem\": No such file "
                      "or directory"}));
}

TEST(UpstreamTls, ACertificateNeedsItsKeyAndTheOtherWayRound) {
    TempDir dir;
    const std::string cert = dir.make_file("client.pem");
    EXPECT_EQ(errors_of(upstream("[upstreams.tls]\ncertificate = \"" + cert + "\"\n")),
              (Errors{"t.toml:10:15: upstreams[0].tls.key: missing; a client certificate needs its key = "
                      "\"client.key\""}));
    EXPECT_EQ(errors_of(upstream("[upstreams.tls]\nkey = \"" + cert + "\"\n")),
              (Errors{"t.toml:10:7: upstreams[0].tls.certificate: missing; a key needs its certificate = "
                      "\"client.pem\""}));
}

TEST(UpstreamTls, RefusesServerNamesThatAreNotHostNames) {
    const Errors errors = errors_of(upstream("[upstreams.tls]\nserver_name = \"a b\"\n"));
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0], "t.toml:10:15: upstreams[0].tls.server_name: expected a host name such as "
                         "\"api.internal\", got \"a b\"");
}

TEST(UpstreamTls, RefusesUnknownKeysAndVersions) {
    const Errors version = errors_of(upstream("[upstreams.tls]\nmin_version = \"1.1\"\n"));
    ASSERT_EQ(version.size(), 1U);
    EXPECT_EQ(version[0].rfind("t.toml:10:15: upstreams[0].tls.min_version: ", 0), 0U) << version[0];
    const Errors unknown = errors_of(upstream("[upstreams.tls]\nverfy = false\n"));
    ASSERT_EQ(unknown.size(), 1U);
    EXPECT_NE(unknown[0].find("verify"), std::string::npos) << unknown[0];  // the suggestion
}

TEST(UpstreamTls, ActiveChecksAreRefusedWhereTheyCannotReachTheBackends) {
    const std::string message =
        "upstreams[0].health.check_path: active health checks speak plain HTTP/1.1 and cannot yet reach "
        "backends behind [upstreams.tls] or protocol = \"http2\"; passive checks still apply";
    EXPECT_EQ(errors_of(upstream("[upstreams.health]\ncheck_path = \"/healthz\"\n[upstreams.tls]\n")),
              (Errors{"t.toml:10:14: " + message}));
    EXPECT_EQ(errors_of(upstream_with("protocol = \"http2\"\n[upstreams.health]\ncheck_path = \"/healthz\"\n")),
              (Errors{"t.toml:7:14: " + message}));
    EXPECT_EQ(load_clean(upstream("[upstreams.health]\ncheck_path = \"/healthz\"\n")).upstreams[0].health.check_path,
              "/healthz");
}

TEST(UpstreamTls, PrintedConfigurationLoadsBackTheSame) {
    TempDir dir;
    const std::string ca = dir.make_file("ca.pem");
    const Config config = load_clean(upstream_with("protocol = \"http2\"\n[upstreams.tls]\nca_file = \"" + ca +
                                                   "\"\nserver_name = \"api.internal\"\n"));
    const std::string printed = to_toml(config);
    EXPECT_NE(printed.find("protocol = \"http2\"\n"), std::string::npos) << printed;
    EXPECT_NE(printed.find("[upstreams.tls]\nverify = true\nca_file = \"" + ca + "\"\nserver_name = \"api.internal\"\n"),
              std::string::npos)
        << printed;
    const Config again = load_clean(printed);
    EXPECT_EQ(again.upstreams, config.upstreams);
}

}  // namespace
}  // namespace ringwall::config
