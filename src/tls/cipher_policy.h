// src/tls/cipher_policy.h: the suites Ringwall offers or accepts, on either side.
#pragma once

namespace ringwall::tls {

// Forward secrecy and AEAD only: TLS 1.3 has nothing else; for 1.2 that means ECDHE with
// GCM or ChaCha20-Poly1305 (Mozilla's "intermediate" profile).
inline constexpr const char* tls1_3_suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
inline constexpr const char* tls1_2_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace ringwall::tls
