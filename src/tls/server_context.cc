// src/tls/server_context.cc: one place that decides what TLS we speak.
#include "tls/server_context.h"

#include <openssl/err.h>

#include <string_view>

namespace ringwall::tls {
namespace {

// Forward secrecy and AEAD only: TLS 1.3 has nothing else; for 1.2 that means ECDHE with
// GCM or ChaCha20-Poly1305 (Mozilla's "intermediate" profile).
constexpr const char* tls1_3_suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* tls1_2_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace

ServerContext::ServerContext(ServerOptions options)
    : options_(std::move(options)), fallback_(make_context()) {}

SslCtxHandle ServerContext::make_context() const {
    SslCtxHandle ctx(SSL_CTX_new(TLS_server_method()));
    if (ctx == nullptr) {
        return ctx;
    }
    SSL_CTX* raw = ctx.get();
    const int min = options_.min_version == Version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
    const bool ok = SSL_CTX_set_min_proto_version(raw, min) == 1 &&
                    SSL_CTX_set_max_proto_version(raw, TLS1_3_VERSION) == 1 &&
                    SSL_CTX_set_ciphersuites(raw, tls1_3_suites) == 1 &&
                    SSL_CTX_set_cipher_list(raw, tls1_2_ciphers) == 1;
    if (!ok) {
        return nullptr;
    }
    // No tickets and no cache until resumption is designed with key rotation across
    // workers; a lone ticket key per process would only make resumption look random.
    SSL_CTX_set_options(raw, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(raw, 0);
    // The session writes into a memory BIO: a record is never half sent, so partial writes
    // cannot happen, but the caller's buffer may move between calls.
    SSL_CTX_set_mode(raw, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_tlsext_servername_callback(raw, &ServerContext::on_server_name);
    SSL_CTX_set_tlsext_servername_arg(raw, const_cast<ServerContext*>(this));
    SSL_CTX_set_alpn_select_cb(raw, &ServerContext::on_alpn, const_cast<ServerContext*>(this));
    return ctx;
}

std::optional<std::string> ServerContext::add_certificate(const CertificatePaths& paths) {
    SslCtxHandle ctx = make_context();
    if (ctx == nullptr) {
        return paths.chain_file + ": " + take_openssl_error("cannot create SSL_CTX");
    }
    return store_.add(std::move(ctx), paths);
}

SSL_CTX* ServerContext::initial_context() const noexcept {
    SSL_CTX* ctx = store_.default_context();
    return ctx != nullptr ? ctx : fallback_.get();
}

int ServerContext::on_server_name(SSL* ssl, int* /*alert*/, void* self) {
    const auto* context = static_cast<const ServerContext*>(self);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name == nullptr) {
        return SSL_TLSEXT_ERR_OK;  // no SNI: stay on the default
    }
    SSL_CTX* chosen = context->store_.select(name);
    // Every context shares versions, ciphers and callbacks, so switching changes only the
    // certificate and key.
    if (chosen != nullptr && chosen != SSL_get_SSL_CTX(ssl)) {
        SSL_set_SSL_CTX(ssl, chosen);
    }
    return SSL_TLSEXT_ERR_OK;
}

int ServerContext::on_alpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* out_len,
                           const unsigned char* in, unsigned int in_len, void* self) {
    const auto* context = static_cast<const ServerContext*>(self);
    const std::string_view offered(reinterpret_cast<const char*>(in), in_len);
    // Our preference wins, not the client's: a client listing http/1.1 first still gets h2.
    for (const std::string& wanted : context->options_.alpn) {
        std::size_t pos = 0;
        while (pos < offered.size()) {
            const std::size_t len = static_cast<unsigned char>(offered[pos]);
            if (len == 0 || pos + 1 + len > offered.size()) {
                break;  // malformed list: OpenSSL checks it, but never read past it
            }
            if (offered.substr(pos + 1, len) == wanted) {
                *out = in + pos + 1;
                *out_len = static_cast<unsigned char>(len);
                return SSL_TLSEXT_ERR_OK;
            }
            pos += 1 + len;
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace ringwall::tls
