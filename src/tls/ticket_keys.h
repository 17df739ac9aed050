// src/tls/ticket_keys.h: session ticket keys that rotate on a schedule without shared state.
#pragma once

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <array>
#include <cstdint>
#include <optional>

namespace ringwall::tls {

// Keys are derived from one random process secret and the number of the rotation period
// they belong to, so every worker thread computes the same keys with no lock and no timer:
// a ticket is issued under the current period's key and accepted under it or the
// previous one (then renewed). A restart forgets the secret, as nginx does without
// ssl_session_ticket_key files.
struct TicketKey {
    std::array<unsigned char, 16> name{};  // 8 bytes of process tag, then the period number
    std::array<unsigned char, 32> cipher_key{};
    std::array<unsigned char, 32> mac_key{};
};

// The key of `period` (seconds since the epoch divided by the rotation length).
TicketKey ticket_key_for(std::uint64_t period);

// The period a ticket names, if it was issued by this process.
std::optional<std::uint64_t> ticket_period(const unsigned char name[16]);

// OpenSSL's ticket callback (SSL_CTX_set_tlsext_ticket_key_evp_cb). The rotation length in
// seconds is read from the SSL_CTX's app data pointer's ticket_rotation_seconds().
int ticket_key_callback(SSL* ssl, unsigned char key_name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
                        EVP_MAC_CTX* mac, int encrypt);

}  // namespace ringwall::tls
