// src/tls/server_context.h: the server side TLS policy (versions, ciphers, ALPN, SNI)
// applied to every certificate's SSL_CTX.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tls/certificate_store.h"

namespace ringwall::tls {

enum class Version : std::uint8_t { tls1_2, tls1_3 };

struct ServerOptions {
    Version min_version = Version::tls1_2;
    // In our order of preference. A client offering none of them gets no ALPN at all,
    // which means http/1.1 (RFC 7301 §3.2 allows failing instead; we prefer to serve).
    std::vector<std::string> alpn = {"h2", "http/1.1"};
};

// Build once at startup or reload, then share read-only between workers. Not movable:
// each SSL_CTX holds a pointer to it for the ALPN and SNI callbacks.
class ServerContext {
public:
    explicit ServerContext(ServerOptions options);
    ServerContext(const ServerContext&) = delete;
    ServerContext& operator=(const ServerContext&) = delete;

    // Loads one certificate; the first becomes the default for unknown or absent SNI.
    // Returns the error (file and OpenSSL's reason); the context is unchanged then.
    std::optional<std::string> add_certificate(const CertificatePaths& paths);

    // The SSL_CTX a new connection starts on; the SNI callback may switch it. Never null:
    // with no certificate loaded it is a context that fails every handshake.
    SSL_CTX* initial_context() const noexcept;

    const CertificateStore& certificates() const noexcept { return store_; }
    const ServerOptions& options() const noexcept { return options_; }

private:
    SslCtxHandle make_context() const;
    static int on_server_name(SSL* ssl, int* alert, void* self);
    static int on_alpn(SSL* ssl, const unsigned char** out, unsigned char* out_len,
                       const unsigned char* in, unsigned int in_len, void* self);

    ServerOptions options_;
    SslCtxHandle fallback_;  // configured like the others, but without a certificate
    CertificateStore store_;
};

}  // namespace ringwall::tls
