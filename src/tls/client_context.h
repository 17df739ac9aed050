// src/tls/client_context.h: the client side TLS policy for connections to backends:
// verification, trusted roots, ALPN, an optional client certificate, and resumption.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tls/openssl_handles.h"
#include "tls/server_context.h"

namespace ringwall::tls {

struct ClientOptions {
    bool verify = true;
    std::string ca_file;  // PEM roots; empty: OpenSSL's default paths (the system store)
    Version min_version = Version::tls1_2;
    std::vector<std::string> alpn;  // offered in this order; empty: no ALPN
    std::string certificate;        // chain presented when a backend asks; with key
    std::string key;
};

// Built once per configuration, shared read-only by the workers, except for the session
// cache, which a mutex guards (it is touched once per new backend connection, not per
// request). Not movable: the SSL_CTX points back at it for the new-session callback.
class ClientContext {
public:
    explicit ClientContext(ClientOptions options);
    ClientContext(const ClientContext&) = delete;
    ClientContext& operator=(const ClientContext&) = delete;
    ~ClientContext();

    // The first problem found while building (an unreadable CA file, a key that does not
    // match its certificate); the context must not be used then.
    const std::optional<std::string>& setup_error() const noexcept { return setup_error_; }

    SSL_CTX* get() const noexcept { return ctx_.get(); }
    const ClientOptions& options() const noexcept { return options_; }

    // The last session a backend gave us under `key` (its address), with a reference the
    // caller owns, or null. Resuming saves the backend and us a full handshake per new
    // pooled connection.
    SSL_SESSION* recall(std::string_view key) const;

private:
    static int on_new_session(SSL* ssl, SSL_SESSION* session);
    void remember(std::string_view key, SSL_SESSION* session) const;

    ClientOptions options_;
    SslCtxHandle ctx_;
    std::optional<std::string> setup_error_;
    mutable std::mutex sessions_mutex_;
    mutable std::map<std::string, SSL_SESSION*, std::less<>> sessions_;
};

}  // namespace ringwall::tls
