// tests/tls/session_test.cc: full handshakes and data between an OpenSSL client and a
// Session, entirely in memory.
#include "tls/session.h"

#include <gtest/gtest.h>

#include <openssl/err.h>

#include <memory>
#include <string>

#include "tls/test_certificates.h"
#include "tls/test_client.h"

namespace ringwall::tls {
namespace {

using testing::Client;
using testing::ClientOptions;
using testing::run_handshake;
using testing::test_certificates;

std::unique_ptr<ServerContext> make_server(ServerOptions options = {}) {
    auto server = std::make_unique<ServerContext>(std::move(options));
    const auto& certs = test_certificates();
    for (const CertificatePaths* paths : {&certs.localhost, &certs.exact, &certs.wildcard}) {
        const auto error = server->add_certificate(*paths);
        EXPECT_EQ(error, std::nullopt) << *error;
    }
    return server;
}

struct Connected {
    std::unique_ptr<ServerContext> context;
    std::unique_ptr<Session> session;
    std::unique_ptr<Client> client;
};

Connected connect(const ClientOptions& client_options, ServerOptions server_options = {},
                  SessionLimits limits = {}) {
    Connected c;
    c.context = make_server(std::move(server_options));
    c.session = std::make_unique<Session>(*c.context, limits);
    c.client = std::make_unique<Client>(client_options);
    const auto outcome = run_handshake(*c.client, *c.session);
    EXPECT_EQ(outcome.server, HandshakeStatus::done) << c.session->failure_reason();
    EXPECT_TRUE(outcome.client_done);
    return c;
}

TEST(Session, CompletesTls13Handshake) {
    const Connected c = connect({.server_name = "localhost"});
    EXPECT_EQ(c.session->protocol_version(), TLS1_3_VERSION);
    EXPECT_EQ(SSL_version(c.client->ssl()), TLS1_3_VERSION);
    EXPECT_TRUE(c.session->is_handshake_done());
}

TEST(Session, CompletesTls12HandshakeWithEcdheAead) {
    const Connected c = connect({.max_version = TLS1_2_VERSION});
    EXPECT_EQ(c.session->protocol_version(), TLS1_2_VERSION);
    const std::string cipher = SSL_get_cipher_name(c.client->ssl());
    EXPECT_TRUE(cipher.starts_with("ECDHE-")) << cipher;
    EXPECT_TRUE(cipher.find("GCM") != std::string::npos ||
                cipher.find("CHACHA20") != std::string::npos) << cipher;
}

TEST(Session, RefusesTls12WhenConfiguredForTls13Only) {
    ServerOptions tls13_only;
    tls13_only.min_version = Version::tls1_3;
    auto context = make_server(tls13_only);
    Session session(*context, {});
    Client client({.max_version = TLS1_2_VERSION});
    const auto outcome = run_handshake(client, session);
    EXPECT_EQ(outcome.server, HandshakeStatus::failed);
    EXPECT_FALSE(outcome.client_done);
}

TEST(Session, RefusesTls11Client) {
    auto context = make_server();
    Session session(*context, {});
    Client client({.min_version = TLS1_1_VERSION, .max_version = TLS1_1_VERSION});
    const auto outcome = run_handshake(client, session);
    EXPECT_EQ(outcome.server, HandshakeStatus::failed);
    EXPECT_FALSE(outcome.client_done);
    EXPECT_NE(session.failure_reason().find("protocol"), std::string_view::npos)
        << session.failure_reason();
    EXPECT_EQ(session.handshake().status, HandshakeStatus::failed);  // and stays failed
}

TEST(Session, PicksCertificateBySni) {
    struct Case {
        const char* sni;
        const char* common_name;
    };
    for (const Case& test : {Case{"a.example.com", "*.example.com"},
                             Case{"example.com", "example.com"},
                             Case{"unknown.test", "localhost"},
                             Case{"a.b.example.com", "localhost"}, Case{"", "localhost"}}) {
        SCOPED_TRACE(test.sni);
        const Connected c = connect({.server_name = test.sni});
        EXPECT_EQ(c.client->peer_common_name(), test.common_name);
        EXPECT_EQ(c.session->server_name(), test.sni);
    }
}

TEST(Session, PicksCertificateBySniOverTls12) {
    const Connected c = connect({.server_name = "x.example.com", .max_version = TLS1_2_VERSION});
    EXPECT_EQ(c.client->peer_common_name(), "*.example.com");
}

TEST(Session, NegotiatesAlpnByServerPreference) {
    struct Case {
        std::vector<std::string> offered;
        const char* chosen;
    };
    for (const Case& test : {Case{{"http/1.1", "h2"}, "h2"}, Case{{"h2"}, "h2"},
                             Case{{"http/1.1"}, "http/1.1"}, Case{{"spdy/3"}, ""},
                             Case{{}, ""}}) {
        SCOPED_TRACE(test.chosen);
        const Connected c = connect({.alpn = test.offered});
        EXPECT_EQ(c.session->alpn(), test.chosen);
        EXPECT_EQ(c.client->alpn(), test.chosen);
    }
}

TEST(Session, AlpnHonoursConfiguredList) {
    ServerOptions http11_only;
    http11_only.alpn = {"http/1.1"};
    const Connected c = connect({.alpn = {"h2", "http/1.1"}}, http11_only);
    EXPECT_EQ(c.session->alpn(), "http/1.1");
}

// Moves `total` bytes each way in uneven pieces, draining after every step.
void round_trip(Connected& c, std::size_t total) {
    std::string upload(total, '\0');
    std::string download(total, '\0');
    for (std::size_t i = 0; i < total; ++i) {
        upload[i] = static_cast<char>(i * 7 + 1);
        download[i] = static_cast<char>(i * 13 + 5);
    }
    std::string received_by_server;
    std::string received_by_client;
    std::size_t sent_by_client = 0;
    std::size_t sent_by_server = 0;
    char buffer[7000];
    for (int step = 0; step < 100000; ++step) {
        if (sent_by_client < total) {
            const std::size_t piece = std::min<std::size_t>(total - sent_by_client, 3001);
            const int n = SSL_write(c.client->ssl(), upload.data() + sent_by_client,
                                    static_cast<int>(piece));
            ASSERT_GT(n, 0);
            sent_by_client += static_cast<std::size_t>(n);
        }
        c.session->feed_ciphertext(c.client->take());
        for (;;) {
            const ReadStep read = c.session->read_plaintext(buffer);
            if (read.status != ReadStatus::data) {
                ASSERT_EQ(read.status, ReadStatus::need_more);
                break;
            }
            received_by_server.append(buffer, read.bytes);
        }
        if (sent_by_server < total) {
            const std::size_t piece = std::min<std::size_t>(total - sent_by_server, 5003);
            sent_by_server += c.session->write_plaintext(
                std::string_view(download).substr(sent_by_server, piece));
        }
        std::string out;
        c.session->take_ciphertext(out);
        c.client->feed(out);
        for (;;) {
            const int n = SSL_read(c.client->ssl(), buffer, sizeof buffer);
            if (n <= 0) {
                ERR_clear_error();
                break;
            }
            received_by_client.append(buffer, static_cast<std::size_t>(n));
        }
        if (received_by_server.size() == total && received_by_client.size() == total) {
            break;
        }
    }
    EXPECT_TRUE(received_by_server == upload);
    EXPECT_TRUE(received_by_client == download);
}

TEST(Session, CarriesOneMebibyteEachWayOverTls13) {
    Connected c = connect({});
    round_trip(c, 1 << 20);
}

TEST(Session, TakesOverTls13RecordsAndFreesTheSslObject) {
    const Connected c = connect({.alpn = {"h2"}});
    EXPECT_TRUE(c.session->has_own_records());
    EXPECT_EQ(c.session->alpn(), "h2");  // still answered once the SSL object is gone
    EXPECT_EQ(c.session->protocol_version(), TLS1_3_VERSION);
}

TEST(Session, LeavesTls12RecordsToOpenSsl) {
    const Connected c = connect({.max_version = TLS1_2_VERSION});
    EXPECT_FALSE(c.session->has_own_records());
}

// Client bytes to the server and back, one exchange.
std::string echo_through(Connected& c, std::string_view ping, std::string_view pong) {
    EXPECT_EQ(SSL_write(c.client->ssl(), ping.data(), static_cast<int>(ping.size())), static_cast<int>(ping.size()));
    c.session->feed_ciphertext(c.client->take());
    std::string server_got;
    char buffer[64];
    for (ReadStep read = c.session->read_plaintext(buffer); read.status == ReadStatus::data;
         read = c.session->read_plaintext(buffer)) {
        server_got.append(buffer, read.bytes);
    }
    EXPECT_EQ(server_got, ping);
    EXPECT_EQ(c.session->write_plaintext(pong), pong.size());
    std::string out;
    c.session->take_ciphertext(out);
    c.client->feed(out);
    std::string client_got;
    for (int n = SSL_read(c.client->ssl(), buffer, sizeof buffer); n > 0; n = SSL_read(c.client->ssl(), buffer, sizeof buffer)) {
        client_got.append(buffer, static_cast<std::size_t>(n));
    }
    ERR_clear_error();
    return client_got;
}

TEST(Session, FollowsClientKeyUpdatesAndAnswersThem) {
    for (const char* suites : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
        // The client offers only this suite, so the handshake agrees on it.
        ClientOptions options;
        Connected fresh;
        fresh.context = make_server();
        fresh.session = std::make_unique<Session>(*fresh.context, SessionLimits{});
        fresh.client = std::make_unique<Client>(options);
        ASSERT_EQ(SSL_set_ciphersuites(fresh.client->ssl(), suites), 1);
        ASSERT_EQ(run_handshake(*fresh.client, *fresh.session).server, HandshakeStatus::done);
        ASSERT_TRUE(fresh.session->has_own_records()) << suites;
        EXPECT_EQ(echo_through(fresh, "before", "ok 1"), "ok 1") << suites;
        // Updated and asking for ours: the server must switch its read key, then send its
        // KeyUpdate under the old write key and switch too, or the client cannot read on.
        ASSERT_EQ(SSL_key_update(fresh.client->ssl(), SSL_KEY_UPDATE_REQUESTED), 1);
        EXPECT_EQ(echo_through(fresh, "after one", "ok 2"), "ok 2") << suites;
        ASSERT_EQ(SSL_key_update(fresh.client->ssl(), SSL_KEY_UPDATE_NOT_REQUESTED), 1);
        EXPECT_EQ(echo_through(fresh, "after two", "ok 3"), "ok 3") << suites;
        EXPECT_EQ(echo_through(fresh, std::string(20000, 'x'), std::string(40000, 'y')), std::string(40000, 'y'));
    }
}

TEST(Session, RefusesATamperedRecord) {
    Connected c = connect({});
    ASSERT_TRUE(c.session->has_own_records());
    ASSERT_EQ(SSL_write(c.client->ssl(), "payload", 7), 7);
    std::string record = c.client->take();
    record[record.size() - 3] ^= 0x01;  // inside the tag
    c.session->feed_ciphertext(record);
    char buffer[64];
    EXPECT_EQ(c.session->read_plaintext(buffer).status, ReadStatus::failed);
    EXPECT_EQ(c.session->write_plaintext("x"), 0U);
}

TEST(Session, RefusesAPlaintextRecordAfterTheHandshake) {
    Connected c = connect({});
    // A bare alert, as an attacker on the path could inject: not application_data.
    c.session->feed_ciphertext(std::string("\x15\x03\x03\x00\x02\x01\x00", 7));
    char buffer[64];
    EXPECT_EQ(c.session->read_plaintext(buffer).status, ReadStatus::failed);
}

TEST(Session, CarriesOneMebibyteEachWayOverTls12) {
    Connected c = connect({.max_version = TLS1_2_VERSION});
    round_trip(c, 1 << 20);
}

TEST(Session, SeesClientCloseNotifyAsCleanClose) {
    Connected c = connect({});
    ASSERT_EQ(SSL_write(c.client->ssl(), "bye", 3), 3);
    SSL_shutdown(c.client->ssl());
    c.session->feed_ciphertext(c.client->take());
    char buffer[16];
    const ReadStep data = c.session->read_plaintext(buffer);
    ASSERT_EQ(data.status, ReadStatus::data);
    EXPECT_EQ(std::string_view(buffer, data.bytes), "bye");
    EXPECT_EQ(c.session->read_plaintext(buffer).status, ReadStatus::closed);
    EXPECT_TRUE(c.session->peer_closed_cleanly());
    EXPECT_EQ(c.session->read_plaintext(buffer).status, ReadStatus::closed);
}

TEST(Session, SendsCloseNotifyTheClientSees) {
    Connected c = connect({});
    ASSERT_TRUE(c.session->shutdown());
    EXPECT_EQ(c.session->write_plaintext("late"), 0u);
    std::string out;
    ASSERT_GT(c.session->take_ciphertext(out), 0u);
    c.client->feed(out);
    char buffer[16];
    EXPECT_EQ(SSL_read(c.client->ssl(), buffer, sizeof buffer), 0);
    EXPECT_EQ(SSL_get_error(c.client->ssl(), 0), SSL_ERROR_ZERO_RETURN);
    EXPECT_FALSE(c.session->peer_closed_cleanly());
}

TEST(Session, FailsOnGarbageClientHelloWithReason) {
    auto context = make_server();
    for (const std::string_view garbage :
         {std::string_view("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
          std::string_view("\x16\x03\x01\x00\x05\x01\x00\x00\x01\xff", 10),
          std::string_view("\x16\x03\x01\xff\xff", 5)}) {  // longer than any record
        Session session(*context, {});
        session.feed_ciphertext(garbage);
        const HandshakeStep step = session.handshake();
        EXPECT_EQ(step.status, HandshakeStatus::failed);
        EXPECT_FALSE(step.reason.empty());
        SCOPED_TRACE(step.reason);
        std::string alert;
        session.take_ciphertext(alert);
        session.feed_ciphertext("more bytes");
        EXPECT_EQ(session.handshake().status, HandshakeStatus::failed);
        char buffer[8];
        EXPECT_EQ(session.read_plaintext(buffer).status, ReadStatus::failed);
        EXPECT_EQ(session.write_plaintext("x"), 0u);
    }
}

TEST(Session, FailsOnTruncatedClientHelloOnceBytesStopMakingSense) {
    auto context = make_server();
    Client client({});
    SSL_do_handshake(client.ssl());
    ERR_clear_error();
    std::string hello = client.take();
    ASSERT_GT(hello.size(), 20u);
    Session session(*context, {});
    // Truncated: the record is incomplete, so the session waits for the rest...
    session.feed_ciphertext(std::string_view(hello).substr(0, hello.size() / 2));
    EXPECT_EQ(session.handshake().status, HandshakeStatus::want_io);
    // ...and what arrives instead is not a ClientHello.
    session.feed_ciphertext(std::string(hello.size(), '\x17'));
    const HandshakeStep step = session.handshake();
    EXPECT_EQ(step.status, HandshakeStatus::failed);
    EXPECT_FALSE(step.reason.empty());
}

TEST(Session, WritesNothingBeforeHandshake) {
    auto context = make_server();
    Session session(*context, {});
    EXPECT_EQ(session.write_plaintext("early"), 0u);
    char buffer[8];
    EXPECT_EQ(session.read_plaintext(buffer).status, ReadStatus::failed);
    EXPECT_FALSE(session.shutdown());
}

TEST(Session, KeepsPendingCiphertextUnderTheBound) {
    constexpr std::size_t bound = 10000;
    Connected c = connect({}, {}, {.max_pending_ciphertext = bound});
    const std::string payload(100000, 'x');
    const std::size_t first = c.session->write_plaintext(payload);
    EXPECT_GT(first, 0u);
    EXPECT_LT(first, bound);
    EXPECT_LE(c.session->pending_ciphertext(), bound);
    // Full: nothing more until drained.
    EXPECT_EQ(c.session->write_plaintext(std::string_view(payload).substr(first)), 0u);
    std::size_t accepted = first;
    std::string received;
    char buffer[20000];
    while (accepted < payload.size()) {
        std::string out;
        c.session->take_ciphertext(out);
        EXPECT_LE(out.size(), bound);
        c.client->feed(out);
        for (int n; (n = SSL_read(c.client->ssl(), buffer, sizeof buffer)) > 0;) {
            received.append(buffer, static_cast<std::size_t>(n));
        }
        ERR_clear_error();
        const std::size_t n = c.session->write_plaintext(std::string_view(payload).substr(accepted));
        ASSERT_GT(n, 0u);
        accepted += n;
        EXPECT_LE(c.session->pending_ciphertext(), bound);
    }
    std::string out;
    c.session->take_ciphertext(out);
    c.client->feed(out);
    for (int n; (n = SSL_read(c.client->ssl(), buffer, sizeof buffer)) > 0;) {
        received.append(buffer, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(received, payload);
}

}  // namespace
}  // namespace ringwall::tls
