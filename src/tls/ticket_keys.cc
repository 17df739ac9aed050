// src/tls/ticket_keys.cc: deriving and applying the rotating ticket keys.
#include "tls/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <ctime>
#include <stdexcept>

#include "tls/server_context.h"

namespace ringwall::tls {
namespace {

struct ProcessSecret {
    std::array<unsigned char, 32> secret{};
    std::array<unsigned char, 8> tag{};
    ProcessSecret() {
        if (RAND_bytes(secret.data(), secret.size()) != 1 || RAND_bytes(tag.data(), tag.size()) != 1) {
            throw std::runtime_error("no randomness for session ticket keys");
        }
    }
};

const ProcessSecret& process_secret() {
    static const ProcessSecret secret;
    return secret;
}

void derive(std::uint64_t period, unsigned char label, unsigned char* out) {
    unsigned char input[9];
    for (int i = 0; i < 8; ++i) {
        input[i] = static_cast<unsigned char>(period >> (56 - 8 * i));
    }
    input[8] = label;
    unsigned int length = 32;
    const ProcessSecret& secret = process_secret();
    HMAC(EVP_sha256(), secret.secret.data(), static_cast<int>(secret.secret.size()), input, sizeof input, out, &length);
}

// A handshake derives at most two keys; each thread remembers the last period's.
const TicketKey& cached_key(std::uint64_t period) {
    thread_local std::uint64_t cached_period = ~std::uint64_t{0};
    thread_local TicketKey cached;
    if (period != cached_period) {
        cached = ticket_key_for(period);
        cached_period = period;
    }
    return cached;
}

}  // namespace

TicketKey ticket_key_for(std::uint64_t period) {
    TicketKey key;
    std::memcpy(key.name.data(), process_secret().tag.data(), 8);
    for (int i = 0; i < 8; ++i) {
        key.name[8 + i] = static_cast<unsigned char>(period >> (56 - 8 * i));
    }
    derive(period, 'c', key.cipher_key.data());
    derive(period, 'm', key.mac_key.data());
    return key;
}

std::optional<std::uint64_t> ticket_period(const unsigned char name[16]) {
    if (std::memcmp(name, process_secret().tag.data(), 8) != 0) {
        return std::nullopt;
    }
    std::uint64_t period = 0;
    for (int i = 0; i < 8; ++i) {
        period = (period << 8) | name[8 + i];
    }
    return period;
}

int ticket_key_callback(SSL* ssl, unsigned char key_name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
                        EVP_MAC_CTX* mac, int encrypt) {
    const auto* context = static_cast<const ServerContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    const std::uint64_t rotation = context == nullptr ? 3600 : context->options().ticket_rotation_seconds;
    const std::uint64_t now = static_cast<std::uint64_t>(std::time(nullptr)) / (rotation == 0 ? 1 : rotation);
    std::uint64_t period = now;
    if (encrypt == 0) {
        const std::optional<std::uint64_t> named = ticket_period(key_name);
        if (!named || (*named != now && *named + 1 != now)) {
            return 0;  // unknown or expired key: a full handshake, and a fresh ticket
        }
        period = *named;
    }
    const TicketKey& key = cached_key(period);
    if (encrypt != 0) {
        std::memcpy(key_name, key.name.data(), key.name.size());
        if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) {
            return -1;
        }
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(key.mac_key.data()),
                                          key.mac_key.size()),
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_CTX_set_params(mac, params) != 1 ||
        EVP_CipherInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.cipher_key.data(), iv, encrypt) != 1) {
        return -1;
    }
    // 2: accepted, but issued under the previous key, so hand out a fresh ticket.
    return encrypt == 0 && period != now ? 2 : 1;
}

}  // namespace ringwall::tls
