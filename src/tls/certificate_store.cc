// src/tls/certificate_store.cc: loading PEM pairs and the SNI lookup order of RFC 6125.
#include "tls/certificate_store.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "util/ascii.h"

namespace ringwall::tls {
namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = util::to_lower(c);
    }
    return out;
}

std::optional<std::string> fail(const std::string& file, std::string_view what) {
    return file + ": " + take_openssl_error(what);
}

std::vector<std::string> dns_names(X509* leaf) {
    std::vector<std::string> names;
    auto* general = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr));
    if (general == nullptr) {
        return names;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(general); ++i) {
        const GENERAL_NAME* entry = sk_GENERAL_NAME_value(general, i);
        if (entry->type != GEN_DNS) {
            continue;
        }
        const ASN1_STRING* text = entry->d.dNSName;
        const auto* bytes = reinterpret_cast<const char*>(ASN1_STRING_get0_data(text));
        const std::string_view name(bytes, static_cast<std::size_t>(ASN1_STRING_length(text)));
        // An embedded NUL would let "good.com\0.evil" pass for "good.com" in C code.
        if (!name.empty() && name.find('\0') == std::string_view::npos) {
            names.push_back(lowercase(name));
        }
    }
    GENERAL_NAMES_free(general);
    return names;
}

}  // namespace

std::optional<std::string> CertificateStore::add(SslCtxHandle ctx,
                                                 const CertificatePaths& paths) {
    ERR_clear_error();
    if (ctx == nullptr) {
        return fail(paths.chain_file, "no SSL_CTX");
    }
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), paths.chain_file.c_str()) != 1) {
        return fail(paths.chain_file, "cannot load certificate chain");
    }
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), paths.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        return fail(paths.key_file, "cannot load private key");
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
        return fail(paths.key_file, "private key does not match the certificate");
    }
    std::vector<std::string> names = dns_names(SSL_CTX_get0_certificate(ctx.get()));
    SSL_CTX* raw = ctx.get();
    for (const std::string& name : names) {
        if (name.starts_with("*.")) {
            wildcard_.try_emplace(name.substr(2), raw);
        } else {
            exact_.try_emplace(name, raw);
        }
    }
    contexts_.push_back(std::move(ctx));
    names_.push_back(std::move(names));
    return std::nullopt;
}

SSL_CTX* CertificateStore::select(std::string_view server_name) const {
    if (server_name.ends_with('.')) {
        server_name.remove_suffix(1);
    }
    const std::string name = lowercase(server_name);
    if (const auto exact = exact_.find(name); exact != exact_.end()) {
        return exact->second;
    }
    const std::size_t dot = name.find('.');
    // A leading dot would leave an empty label for the '*' to stand for.
    if (dot != std::string::npos && dot > 0) {
        if (const auto wild = wildcard_.find(name.substr(dot + 1)); wild != wildcard_.end()) {
            return wild->second;
        }
    }
    return default_context();
}

}  // namespace ringwall::tls
