// src/tls/server_context.cc: one place that decides what TLS we speak.
#include "tls/server_context.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include <string_view>

#include "tls/cipher_policy.h"
#include "tls/session.h"
#include "tls/ticket_keys.h"

namespace ringwall::tls {

ServerContext::ServerContext(ServerOptions options) : options_(std::move(options)), fallback_(make_context()) {}

SslCtxHandle ServerContext::make_context() {
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
    SSL_CTX_set_options(raw, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_app_data(raw, this);
    // Resumption must survive the SNI switch and client verification, which both need a
    // session id context; one per process is enough since every listener has its own cache.
    static constexpr unsigned char id_context[] = "ringwall";
    SSL_CTX_set_session_id_context(raw, id_context, sizeof id_context - 1);
    if (options_.session_tickets) {
        SSL_CTX_set_tlsext_ticket_key_evp_cb(raw, &ticket_key_callback);
        SSL_CTX_set_num_tickets(raw, 1);  // one resumption per full handshake is what browsers use
    } else {
        SSL_CTX_set_options(raw, SSL_OP_NO_TICKET);
        // With tickets off, TLS 1.3 resumes through the cache by session id, if there is one.
        SSL_CTX_set_num_tickets(raw, options_.session_cache_size > 0 ? 1 : 0);
    }
    if (options_.session_cache_size > 0) {
        SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(raw, options_.session_cache_size);
    } else {
        SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_OFF);
    }
    // Record buffers (about 34 KiB) go back to the allocator while a connection is idle.
    // The session writes into a memory BIO: a record is never half sent, but the caller's
    // buffer may move between calls.
    SSL_CTX_set_mode(raw, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);
    SSL_CTX_set_tlsext_servername_callback(raw, &ServerContext::on_server_name);
    SSL_CTX_set_tlsext_servername_arg(raw, this);
    SSL_CTX_set_alpn_select_cb(raw, &ServerContext::on_alpn, this);
    // The traffic secrets let a session drop its SSL object after a TLS 1.3 handshake.
    SSL_CTX_set_keylog_callback(raw, &capture_traffic_secret);
    if (!configure_client_verify(raw)) {
        return nullptr;
    }
    return ctx;
}

bool ServerContext::configure_client_verify(SSL_CTX* ctx) {
    if (options_.client_verify == ClientVerify::off) {
        return true;
    }
    ERR_clear_error();
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
    if (names == nullptr || SSL_CTX_load_verify_locations(ctx, options_.client_ca_file.c_str(), nullptr) != 1) {
        if (names != nullptr) {
            sk_X509_NAME_pop_free(names, X509_NAME_free);
        }
        if (!setup_error_) {
            setup_error_ = options_.client_ca_file + ": " + take_openssl_error("cannot load client CA");
        }
        return false;
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    int mode = SSL_VERIFY_PEER;
    if (options_.client_verify == ClientVerify::required) {
        mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_CTX_set_verify(ctx, mode, nullptr);
    return true;
}

std::optional<std::string> ServerContext::add_certificate(const CertificatePaths& paths, const std::string& ocsp_file) {
    if (setup_error_) {
        return setup_error_;
    }
    SslCtxHandle ctx = make_context();
    if (ctx == nullptr) {
        return setup_error_ ? *setup_error_ : paths.chain_file + ": " + take_openssl_error("cannot create SSL_CTX");
    }
    std::unique_ptr<std::string> ocsp;
    if (!ocsp_file.empty()) {
        std::ifstream in(ocsp_file, std::ios::binary);
        ocsp = std::make_unique<std::string>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) {
            return ocsp_file + ": cannot read the OCSP response";
        }
        const auto* der = reinterpret_cast<const unsigned char*>(ocsp->data());
        OCSP_RESPONSE* parsed = d2i_OCSP_RESPONSE(nullptr, &der, static_cast<long>(ocsp->size()));
        if (parsed == nullptr) {
            return ocsp_file + ": " + take_openssl_error("not a DER OCSP response");
        }
        OCSP_RESPONSE_free(parsed);
        SSL_CTX_set_tlsext_status_cb(ctx.get(), &ServerContext::on_status_request);
        SSL_CTX_set_tlsext_status_arg(ctx.get(), ocsp.get());
    }
    if (std::optional<std::string> error = store_.add(std::move(ctx), paths)) {
        return error;
    }
    if (ocsp) {
        ocsp_responses_.push_back(std::move(ocsp));
    }
    return std::nullopt;
}

int ServerContext::on_status_request(SSL* ssl, void* response) {
    const auto* der = static_cast<const std::string*>(response);
    if (der == nullptr || der->empty()) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    // OpenSSL frees what it is given, so it gets its own copy.
    auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(der->size()));
    if (copy == nullptr) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    std::memcpy(copy, der->data(), der->size());
    SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(der->size()));
    return SSL_TLSEXT_ERR_OK;
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
