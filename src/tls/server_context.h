// src/tls/server_context.h: the server side TLS policy (versions, ciphers, ALPN, SNI)
// applied to every certificate's SSL_CTX.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tls/certificate_store.h"

namespace ringwall::tls {

enum class Version : std::uint8_t { tls1_2, tls1_3 };

enum class ClientVerify : std::uint8_t { off, optional, required };

struct ServerOptions {
    Version min_version = Version::tls1_2;
    // In our order of preference. A client offering none of them gets no ALPN at all,
    // which means http/1.1 (RFC 7301 §3.2 allows failing instead; we prefer to serve).
    std::vector<std::string> alpn = {"h2", "http/1.1"};
    bool session_tickets = false;
    std::uint64_t ticket_rotation_seconds = 3600;
    std::uint32_t session_cache_size = 0;  // 0: no server-side cache
    std::string client_ca_file;            // PEM; needed unless client_verify is off
    ClientVerify client_verify = ClientVerify::off;
};

// Build once at startup or reload, then share read-only between workers. Not movable:
// each SSL_CTX holds a pointer to it for the ALPN and SNI callbacks.
class ServerContext {
public:
    explicit ServerContext(ServerOptions options);
    ServerContext(const ServerContext&) = delete;
    ServerContext& operator=(const ServerContext&) = delete;

    // Loads one certificate; the first becomes the default for unknown or absent SNI.
    // `ocsp_file`, when not empty, holds a DER OCSP response stapled for this certificate.
    // Returns the error (file and OpenSSL's reason); the context is unchanged then.
    std::optional<std::string> add_certificate(const CertificatePaths& paths, const std::string& ocsp_file = {});

    // Problems found in the options themselves (an unreadable client CA), once, at build.
    const std::optional<std::string>& setup_error() const noexcept { return setup_error_; }

    // The SSL_CTX a new connection starts on; the SNI callback may switch it. Never null:
    // with no certificate loaded it is a context that fails every handshake.
    SSL_CTX* initial_context() const noexcept;

    const CertificateStore& certificates() const noexcept { return store_; }
    const ServerOptions& options() const noexcept { return options_; }

private:
    SslCtxHandle make_context();
    bool configure_client_verify(SSL_CTX* ctx);
    static int on_status_request(SSL* ssl, void* response);
    static int on_server_name(SSL* ssl, int* alert, void* self);
    static int on_alpn(SSL* ssl, const unsigned char** out, unsigned char* out_len,
                       const unsigned char* in, unsigned int in_len, void* self);

    ServerOptions options_;
    std::optional<std::string> setup_error_;
    SslCtxHandle fallback_;  // configured like the others, but without a certificate
    CertificateStore store_;
    // DER responses, one per certificate that has one; the status callback points at them.
    std::vector<std::unique_ptr<std::string>> ocsp_responses_;
};

}  // namespace ringwall::tls
