// tests/tls/test_certificates.cc: building X.509 certificates with the OpenSSL API, so the
// tests need no openssl binary and no files checked in that would expire.
#include "tls/test_certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace ringwall::tls::testing {
namespace {

struct KeyFree {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct CertFree {
    void operator()(X509* cert) const noexcept { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(what);
    }
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
    X509_EXTENSION_free(ext);
}

Cert make_cert(const char* common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
               long serial) {
    Cert cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    X509_set_pubkey(cert.get(), key);
    if (issuer == nullptr) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        const std::string san = std::string("DNS:") + common_name;
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), signer, NID_subject_alt_name, san.c_str());
    }
    check(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
    return cert;
}

template <typename Write>
void write_pem(const std::string& path, Write write) {
    FILE* file = std::fopen(path.c_str(), "w");
    check(file != nullptr, "fopen");
    const bool ok = write(file);
    std::fclose(file);
    check(ok, "PEM_write");
}

struct Generated : TestCertificates {
    Generated() {
        char pattern[] = "/tmp/ringwall-tls-XXXXXX";
        check(mkdtemp(pattern) != nullptr, "mkdtemp");
        dir = pattern;
        Key ca_key(EVP_EC_gen("P-256"));
        check(ca_key != nullptr, "EVP_EC_gen");
        Cert ca = make_cert("Ringwall Test CA", ca_key.get(), nullptr, ca_key.get(), 1);
        long serial = 2;
        auto leaf = [&](const char* name, const std::string& stem, EVP_PKEY* key) {
            Cert cert = make_cert(name, key, ca.get(), ca_key.get(), serial++);
            CertificatePaths paths{dir + "/" + stem + ".pem", dir + "/" + stem + ".key"};
            write_pem(paths.chain_file, [&](FILE* f) {
                return PEM_write_X509(f, cert.get()) == 1 && PEM_write_X509(f, ca.get()) == 1;
            });
            write_pem(paths.key_file, [&](FILE* f) {
                return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
            });
            return paths;
        };
        Key localhost_key(EVP_EC_gen("P-256"));
        Key exact_key(EVP_EC_gen("P-256"));
        Key wildcard_key(EVP_EC_gen("P-256"));
        localhost = leaf("localhost", "localhost", localhost_key.get());
        exact = leaf("example.com", "exact", exact_key.get());
        wildcard = leaf("*.example.com", "wildcard", wildcard_key.get());
        bad_key = {exact.chain_file, wildcard.key_file};
    }
    ~Generated() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
};

}  // namespace

const TestCertificates& test_certificates() {
    static const Generated generated;
    return generated;
}

}  // namespace ringwall::tls::testing
