// tests/tls/test_client.cc: the client side of the in-memory handshakes.
#include "tls/test_client.h"

#include <openssl/err.h>

#include <stdexcept>

namespace ringwall::tls::testing {

Client::Client(const ClientOptions& options) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) {
        throw std::runtime_error("SSL_CTX_new");
    }
    // Level 0 lets the client offer TLS 1.1 at all, so refusing it is the server's doing.
    SSL_CTX_set_security_level(ctx_, 0);
    SSL_CTX_set_cipher_list(ctx_, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx_, options.min_version);
    SSL_CTX_set_max_proto_version(ctx_, options.max_version);
    ssl_ = SSL_new(ctx_);
    incoming_ = BIO_new(BIO_s_mem());
    outgoing_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(incoming_, -1);
    SSL_set_bio(ssl_, incoming_, outgoing_);
    SSL_set_connect_state(ssl_);
    if (!options.server_name.empty()) {
        SSL_set_tlsext_host_name(ssl_, options.server_name.c_str());
    }
    if (!options.alpn.empty()) {
        std::string wire;
        for (const std::string& protocol : options.alpn) {
            wire.push_back(static_cast<char>(protocol.size()));
            wire += protocol;
        }
        SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned int>(wire.size()));
    }
}

Client::~Client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
}

void Client::feed(const std::string& ciphertext) {
    if (!ciphertext.empty()) {
        BIO_write(incoming_, ciphertext.data(), static_cast<int>(ciphertext.size()));
    }
}

std::string Client::take() {
    std::string out(BIO_ctrl_pending(outgoing_), '\0');
    if (!out.empty()) {
        out.resize(static_cast<std::size_t>(BIO_read(outgoing_, out.data(),
                                                     static_cast<int>(out.size()))));
    }
    return out;
}

std::string Client::peer_common_name() const {
    X509* cert = SSL_get0_peer_certificate(ssl_);
    if (cert == nullptr) {
        return {};
    }
    char name[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
    return name;
}

std::string Client::alpn() const {
    const unsigned char* name = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl_, &name, &len);
    return name == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(name), len);
}

HandshakeOutcome run_handshake(Client& client, Session& server) {
    HandshakeStatus server_status = HandshakeStatus::want_io;
    for (int round = 0; round < 32; ++round) {
        if (!client.is_handshake_done()) {
            SSL_do_handshake(client.ssl());
            ERR_clear_error();
        }
        server.feed_ciphertext(client.take());
        server_status = server.handshake().status;
        std::string reply;
        server.take_ciphertext(reply);
        client.feed(reply);
        if (server_status == HandshakeStatus::failed) {
            SSL_do_handshake(client.ssl());  // let the client read the alert
            ERR_clear_error();
            break;
        }
        if (server_status == HandshakeStatus::done && client.is_handshake_done()) {
            break;
        }
    }
    return {server_status, client.is_handshake_done()};
}

}  // namespace ringwall::tls::testing
