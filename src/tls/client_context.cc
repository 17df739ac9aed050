// src/tls/client_context.cc: the SSL_CTX for connections to backends.
#include "tls/client_context.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tls/cipher_policy.h"
#include "tls/session.h"

namespace ringwall::tls {

ClientContext::ClientContext(ClientOptions options)
    : options_(std::move(options)), ctx_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX* raw = ctx_.get();
    if (raw == nullptr) {
        setup_error_ = take_openssl_error("cannot create a TLS client context");
        return;
    }
    const int min = options_.min_version == Version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
    if (SSL_CTX_set_min_proto_version(raw, min) != 1 || SSL_CTX_set_max_proto_version(raw, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_ciphersuites(raw, tls1_3_suites) != 1 || SSL_CTX_set_cipher_list(raw, tls1_2_ciphers) != 1) {
        setup_error_ = take_openssl_error("cannot apply the cipher policy");
        return;
    }
    SSL_CTX_set_options(raw, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(raw, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_app_data(raw, this);
    if (options_.verify) {
        SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, nullptr);
        const bool loaded = options_.ca_file.empty()
                                ? SSL_CTX_set_default_verify_paths(raw) == 1
                                : SSL_CTX_load_verify_locations(raw, options_.ca_file.c_str(), nullptr) == 1;
        if (!loaded) {
            setup_error_ = options_.ca_file.empty()
                               ? take_openssl_error("cannot load the system's trusted certificates")
                               : "ca_file " + options_.ca_file + ": " +
                                     take_openssl_error("no certificate could be read");
            return;
        }
    } else {
        SSL_CTX_set_verify(raw, SSL_VERIFY_NONE, nullptr);
    }
    if (!options_.alpn.empty()) {
        std::string wire;
        for (const std::string& protocol : options_.alpn) {
            wire += static_cast<char>(protocol.size());
            wire += protocol;
        }
        // Unlike most OpenSSL calls, 0 means success here.
        if (SSL_CTX_set_alpn_protos(raw, reinterpret_cast<const unsigned char*>(wire.data()),
                                    static_cast<unsigned>(wire.size())) != 0) {
            setup_error_ = take_openssl_error("cannot set ALPN");
            return;
        }
    }
    if (!options_.certificate.empty()) {
        if (SSL_CTX_use_certificate_chain_file(raw, options_.certificate.c_str()) != 1) {
            setup_error_ = "certificate " + options_.certificate + ": " + take_openssl_error("cannot be read");
            return;
        }
        if (SSL_CTX_use_PrivateKey_file(raw, options_.key.c_str(), SSL_FILETYPE_PEM) != 1) {
            setup_error_ = "key " + options_.key + ": " + take_openssl_error("cannot be read");
            return;
        }
        if (SSL_CTX_check_private_key(raw) != 1) {
            setup_error_ = "key " + options_.key + " does not match certificate " + options_.certificate;
            ERR_clear_error();
            return;
        }
    }
    // Sessions are kept by us, per backend, not in OpenSSL's cache (which a client
    // context does not search by itself anyway).
    SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(raw, &ClientContext::on_new_session);
}

ClientContext::~ClientContext() {
    for (auto& [key, session] : sessions_) {
        SSL_SESSION_free(session);
    }
}

int ClientContext::on_new_session(SSL* ssl, SSL_SESSION* session) {
    const auto* self = static_cast<const ClientContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    const auto* owner = static_cast<const Session*>(SSL_get_app_data(ssl));
    if (self == nullptr || owner == nullptr || owner->resumption_key().empty()) {
        return 0;  // not taken: OpenSSL frees it
    }
    self->remember(owner->resumption_key(), session);
    return 1;
}

void ClientContext::remember(std::string_view key, SSL_SESSION* session) const {
    const std::lock_guard lock(sessions_mutex_);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) {
        sessions_.emplace(std::string(key), session);
        return;
    }
    SSL_SESSION_free(it->second);
    it->second = session;
}

SSL_SESSION* ClientContext::recall(std::string_view key) const {
    const std::lock_guard lock(sessions_mutex_);
    const auto it = sessions_.find(key);
    if (it == sessions_.end() || SSL_SESSION_is_resumable(it->second) != 1) {
        return nullptr;
    }
    SSL_SESSION_up_ref(it->second);
    return it->second;
}

}  // namespace ringwall::tls
