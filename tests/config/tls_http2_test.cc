// tests/config/tls_http2_test.cc: [listeners.tls] and [http2]: values, defaults and the
// errors an operator sees for each mistake.
#include <gtest/gtest.h>

#include <string>

#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::errors_with_tail;
using testing::load_clean;
using testing::load_clean_with_tail;
using testing::TempDir;
using Errors = std::vector<std::string>;

constexpr std::string_view route = "\n[[routes]]\nrespond = {}\n";

std::string tls_listener(const std::string& tls_body) {
    return "[[listeners]]\naddress = \":8443\"\n[listeners.tls]\n" + tls_body + std::string(route);
}

TEST(ListenerTls, ReadsEverySetting) {
    TempDir dir;
    const std::string chain = dir.make_file("site.pem");
    const std::string key = dir.make_file("site.key");
    const std::string ocsp = dir.make_file("site.ocsp");
    const std::string ca = dir.make_file("ca.pem");
    const Config config = load_clean(tls_listener(
        "certificates = [{ chain = \"" + chain + "\", key = \"" + key + "\", ocsp_response = \"" + ocsp +
        "\" }, { chain = \"" + chain + "\", key = \"" + key + "\" }]\n"
        "min_version = \"1.3\"\nhandshake_timeout = \"3s\"\nsession_tickets = false\n"
        "ticket_key_rotation = \"30m\"\nsession_cache_size = 0\nclient_ca = \"" + ca +
        "\"\nclient_verify = \"required\"\n"));
    ASSERT_EQ(config.listeners.size(), 1U);
    ASSERT_TRUE(config.listeners[0].tls.has_value());
    const ListenerTls& tls = *config.listeners[0].tls;
    ASSERT_EQ(tls.certificates.size(), 2U);
    EXPECT_EQ(tls.certificates[0].chain, chain);
    EXPECT_EQ(tls.certificates[0].key, key);
    EXPECT_EQ(tls.certificates[0].ocsp_response, ocsp);
    EXPECT_EQ(tls.certificates[1].ocsp_response, "");
    EXPECT_TRUE(tls.min_tls13);
    EXPECT_EQ(tls.handshake_timeout, Duration(3000));
    EXPECT_FALSE(tls.session_tickets);
    EXPECT_EQ(tls.ticket_key_rotation, Duration(1'800'000));
    EXPECT_EQ(tls.session_cache_size, 0U);
    EXPECT_EQ(tls.client_ca, ca);
    EXPECT_EQ(tls.client_verify, ClientVerify::required);
    EXPECT_TRUE(config.listeners[0].http2);
}

TEST(ListenerTls, DefaultsAreTls12TicketsAndNoClientCertificates) {
    TempDir dir;
    const std::string chain = dir.make_file("a.pem");
    const std::string key = dir.make_file("a.key");
    const Config config =
        load_clean(tls_listener("certificates = [{ chain = \"" + chain + "\", key = \"" + key + "\" }]\n"));
    const ListenerTls& tls = *config.listeners[0].tls;
    EXPECT_FALSE(tls.min_tls13);
    EXPECT_TRUE(tls.session_tickets);
    EXPECT_EQ(tls.handshake_timeout, Duration(10'000));
    EXPECT_EQ(tls.session_cache_size, 20'480U);
    EXPECT_EQ(tls.client_verify, ClientVerify::off);
}

TEST(ListenerTls, PlainListenersHaveNoTls) {
    const Config config = load_clean("[[listeners]]\naddress = \":80\"\nhttp2 = false\n" + std::string(route));
    EXPECT_FALSE(config.listeners[0].tls.has_value());
    EXPECT_FALSE(config.listeners[0].http2);
}

TEST(ListenerTls, ReportsMissingAndUnreadableFiles) {
    EXPECT_EQ(errors_of(tls_listener("min_version = \"1.2\"\n")),
              (Errors{"t.toml:3:1: listeners[0].tls.certificates: missing; a TLS listener needs certificates = "
                      "[{ chain = \"site.pem\", key = \"site.key\" }]"}));
    EXPECT_EQ(errors_of(tls_listener("certificates = [{ chain = \"/nonexistent/x.pem\", key = \"/nonexistent/x.key\" }]\n")),
              (Errors{"t.toml:4:27: listeners[0].tls.certificates[0].chain: cannot read \"/nonexistent/x.pem\": No "
                      "such file or directory",
                      "t.toml:4:55: listeners[0].tls.certificates[0].key: cannot read \"/nonexistent/x.key\": No "
                      "such file or directory"}));
    EXPECT_EQ(errors_of(tls_listener("certificates = []\n")),
              (Errors{"t.toml:4:16: listeners[0].tls.certificates: needs at least one certificate"}));
}

TEST(ListenerTls, ReportsBadValues) {
    TempDir dir;
    const std::string chain = dir.make_file("a.pem");
    const std::string key = dir.make_file("a.key");
    const std::string certs = "certificates = [{ chain = \"" + chain + "\", key = \"" + key + "\" }]\n";
    const Errors version = errors_of(tls_listener(certs + "min_version = \"1.1\"\n"));
    ASSERT_EQ(version.size(), 1U);
    EXPECT_NE(version[0].find("listeners[0].tls.min_version"), std::string::npos) << version[0];
    const Errors verify = errors_of(tls_listener(certs + "client_verify = \"required\"\n"));
    ASSERT_EQ(verify.size(), 1U);
    EXPECT_EQ(verify[0], "t.toml:5:17: listeners[0].tls.client_verify: needs client_ca, the CA bundle client "
                         "certificates are verified against");
    const Errors unknown = errors_of(tls_listener(certs + "session_ticket = true\n"));
    ASSERT_EQ(unknown.size(), 1U);
    EXPECT_NE(unknown[0].find("did you mean \"session_tickets\""), std::string::npos) << unknown[0];
    const Errors missing_key = errors_of(tls_listener("certificates = [{ chain = \"" + chain + "\" }]\n"));
    ASSERT_EQ(missing_key.size(), 1U);
    EXPECT_NE(missing_key[0].find("certificates[0].key: missing"), std::string::npos) << missing_key[0];
}

TEST(Http2Settings, ReadsEveryKey) {
    const Config config = load_clean_with_tail(
        "[http2]\nmax_concurrent_streams = 64\ninitial_window_size = \"1MiB\"\nmax_frame_size = \"32KiB\"\n"
        "max_header_list_size = \"16KiB\"\nmax_continuations = 4\nstream_reset_burst = 50\n"
        "stream_reset_rate = 5\nmax_outbound_ack = 100\nmax_settings = 8\nmax_glitches = 20\n");
    const Http2& h2 = config.http2;
    EXPECT_EQ(h2.max_concurrent_streams, 64U);
    EXPECT_EQ(h2.initial_window_size, 1024U * 1024U);
    EXPECT_EQ(h2.max_frame_size, 32U * 1024U);
    EXPECT_EQ(h2.max_header_list_size, 16U * 1024U);
    EXPECT_EQ(h2.max_continuations, 4U);
    EXPECT_EQ(h2.stream_reset_burst, 50U);
    EXPECT_EQ(h2.stream_reset_rate, 5U);
    EXPECT_EQ(h2.max_outbound_ack, 100U);
    EXPECT_EQ(h2.max_settings, 8U);
    EXPECT_EQ(h2.max_glitches, 20U);
}

TEST(Http2Settings, KeepsRfc9113Ranges) {
    EXPECT_EQ(errors_with_tail("[http2]\nmax_frame_size = \"8KiB\"\n"),
              (Errors{"t.toml:2:18: http2.max_frame_size: must be from 16384 to 16777215 bytes"}));
    EXPECT_EQ(errors_with_tail("[http2]\ninitial_window_size = \"4GiB\"\n"),
              (Errors{"t.toml:2:23: http2.initial_window_size: must be from 1 to 2147483647 bytes"}));
    const Errors zero = errors_with_tail("[http2]\nmax_concurrent_streams = 0\n");
    ASSERT_EQ(zero.size(), 1U);
    EXPECT_NE(zero[0].find("http2.max_concurrent_streams"), std::string::npos) << zero[0];
}

}  // namespace
}  // namespace ringwall::config
