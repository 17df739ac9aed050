// tests/tls/test_client.h: an OpenSSL client over memory BIOs, and the loop that shuttles
// bytes between it and a server Session until both sides stop making progress.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <optional>
#include <string>
#include <vector>

#include "tls/session.h"

namespace ringwall::tls::testing {

struct ClientOptions {
    std::string server_name{};        // empty: no SNI
    std::vector<std::string> alpn{};  // empty: no ALPN extension
    int min_version = TLS1_2_VERSION;
    int max_version = TLS1_3_VERSION;
};

class Client {
public:
    explicit Client(const ClientOptions& options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    SSL* ssl() const noexcept { return ssl_; }
    void feed(const std::string& ciphertext);
    std::string take();
    bool is_handshake_done() const { return SSL_is_init_finished(ssl_) == 1; }
    // The subject CN of the certificate the server presented.
    std::string peer_common_name() const;
    std::string alpn() const;

private:
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    BIO* incoming_ = nullptr;
    BIO* outgoing_ = nullptr;
};

struct HandshakeOutcome {
    HandshakeStatus server;
    bool client_done;
};

// Runs both handshakes to the end, bounded to a few dozen round trips.
HandshakeOutcome run_handshake(Client& client, Session& server);

}  // namespace ringwall::tls::testing
