// src/tls/certificate_store.h: server certificates, one SSL_CTX each, chosen by SNI name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tls/openssl_handles.h"

namespace ringwall::tls {

struct CertificatePaths {
    std::string chain_file;  // PEM: the leaf first, then its intermediates
    std::string key_file;    // PEM private key matching the leaf
};

// Owns the SSL_CTXs. Immutable once loading is done, so workers may share it (OpenSSL
// makes concurrent SSL_new on one SSL_CTX safe).
class CertificateStore {
public:
    // Loads the chain and key into `ctx`, which the caller has configured already, and
    // indexes it under the lowercased DNS names of the leaf's subjectAltName. The first
    // certificate added becomes the default; on a name clash the earlier one keeps it.
    // Returns the error, naming the file and OpenSSL's reason; nothing is added then.
    std::optional<std::string> add(SslCtxHandle ctx, const CertificatePaths& paths);

    // RFC 6125 §6.4.3: an exact name first, then a wildcard standing for exactly one
    // leftmost label ("*.example.com" matches "a.example.com", not "a.b.example.com" nor
    // "example.com"), else the default. Case-insensitive; one trailing dot is ignored.
    // Null only while the store is empty. The pointer lives as long as the store.
    SSL_CTX* select(std::string_view server_name) const;

    SSL_CTX* default_context() const noexcept {
        return contexts_.empty() ? nullptr : contexts_.front().get();
    }
    bool is_empty() const noexcept { return contexts_.empty(); }

    // The names `add` indexed for the certificate at `index` (in load order).
    const std::vector<std::string>& names(std::size_t index) const { return names_.at(index); }

private:
    std::vector<SslCtxHandle> contexts_;
    std::vector<std::vector<std::string>> names_;
    std::unordered_map<std::string, SSL_CTX*> exact_;
    // Keyed by the part after "*.", e.g. "example.com" for "*.example.com".
    std::unordered_map<std::string, SSL_CTX*> wildcard_;
};

}  // namespace ringwall::tls
