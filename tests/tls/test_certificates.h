// tests/tls/test_certificates.h: a throwaway CA and leaf certificates for the TLS tests,
// generated once per test binary with EC P-256 keys into a temporary directory.
#pragma once

#include <string>

#include "tls/certificate_store.h"

namespace ringwall::tls::testing {

struct TestCertificates {
    std::string dir;
    CertificatePaths localhost;  // the default: loaded first; SAN DNS:localhost
    CertificatePaths exact;      // SAN DNS:example.com
    CertificatePaths wildcard;   // SAN DNS:*.example.com
    CertificatePaths bad_key;    // the exact chain with the wildcard's key
};

// Generated on first use, removed at exit. Each leaf's subject CN equals its SAN name,
// so a client can tell which one it was given.
const TestCertificates& test_certificates();

}  // namespace ringwall::tls::testing
