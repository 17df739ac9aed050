// src/tls/openssl_handles.h: owning handles for OpenSSL objects, so no error path leaks one.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

namespace ringwall::tls {

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
struct SslFree {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};

using SslCtxHandle = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslHandle = std::unique_ptr<SSL, SslFree>;

// OpenSSL's reason for the oldest error queued on this thread, or `fallback` when the
// queue is empty. Clears the queue: a stale entry would be blamed on the next connection.
std::string take_openssl_error(std::string_view fallback);

}  // namespace ringwall::tls
