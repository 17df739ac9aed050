// src/tls/record_layer.cc: TLS 1.3 record protection (RFC 8446 §5.2-5.3), key derivation
// (§7.1, §7.3) and KeyUpdate (§4.6.3), on OpenSSL's AEAD ciphers.
#include "tls/record_layer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

namespace ringwall::tls {
namespace {

constexpr std::size_t tag_size = 16;
constexpr std::size_t max_plaintext = 16 * 1024;
constexpr std::size_t max_ciphertext = max_plaintext + 256;  // §5.2
constexpr std::uint8_t application_data = 23;
constexpr std::uint8_t alert = 21;
constexpr std::uint8_t handshake = 22;
constexpr std::uint8_t key_update = 24;

struct CipherSpec {
    const char* name;
    std::size_t key_size;
    bool sha384;
};

CipherSpec spec_of(RecordCipher cipher) noexcept {
    switch (cipher) {
        case RecordCipher::aes_256_gcm: return {"AES-256-GCM", 32, true};
        case RecordCipher::chacha20_poly1305: return {"ChaCha20-Poly1305", 32, false};
        case RecordCipher::aes_128_gcm: break;
    }
    return {"AES-128-GCM", 16, false};
}

// Fetched once: an implicit fetch per record would cost a provider lookup each time.
EVP_CIPHER* fetched(RecordCipher cipher) {
    static EVP_CIPHER* const aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    static EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    static EVP_CIPHER* const chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    switch (cipher) {
        case RecordCipher::aes_256_gcm: return aes256;
        case RecordCipher::chacha20_poly1305: return chacha;
        case RecordCipher::aes_128_gcm: break;
    }
    return aes128;
}

// One context per thread, keyed again for every record: an idle connection keeps only its
// keys, never an EVP_CIPHER_CTX.
EVP_CIPHER_CTX* thread_context() {
    struct Holder {
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        ~Holder() { EVP_CIPHER_CTX_free(ctx); }
    };
    thread_local Holder holder;
    return holder.ctx;
}

// HKDF-Expand-Label(secret, label, "", length) for length <= the hash size: one HMAC.
bool expand_label(bool sha384, const unsigned char* secret, std::size_t secret_size, std::string_view label,
                  unsigned char* out, std::size_t length) {
    unsigned char info[2 + 1 + 6 + 32 + 1 + 1];
    std::size_t n = 0;
    info[n++] = static_cast<unsigned char>(length >> 8);
    info[n++] = static_cast<unsigned char>(length);
    info[n++] = static_cast<unsigned char>(6 + label.size());
    std::memcpy(info + n, "tls13 ", 6);
    n += 6;
    std::memcpy(info + n, label.data(), label.size());
    n += label.size();
    info[n++] = 0;  // empty context
    info[n++] = 1;  // T(1)
    unsigned char block[EVP_MAX_MD_SIZE];
    unsigned int block_size = 0;
    if (HMAC(sha384 ? EVP_sha384() : EVP_sha256(), secret, static_cast<int>(secret_size), info, n, block,
             &block_size) == nullptr ||
        block_size < length) {
        return false;
    }
    std::memcpy(out, block, length);
    OPENSSL_cleanse(block, sizeof block);
    return true;
}

bool derive_keys(RecordCipher cipher, Direction& direction) {
    const CipherSpec spec = spec_of(cipher);
    return expand_label(spec.sha384, direction.secret.data(), direction.secret_size, "key", direction.keys.key.data(),
                        spec.key_size) &&
           expand_label(spec.sha384, direction.secret.data(), direction.secret_size, "iv", direction.keys.iv.data(),
                        direction.keys.iv.size());
}

std::array<unsigned char, 12> nonce_of(const Direction& direction) noexcept {
    std::array<unsigned char, 12> nonce = direction.keys.iv;
    for (int i = 0; i < 8; ++i) {
        nonce[4 + i] ^= static_cast<unsigned char>(direction.sequence >> (56 - 8 * i));
    }
    return nonce;
}

}  // namespace

std::optional<RecordCipher> record_cipher_of(std::uint16_t suite) noexcept {
    switch (suite) {
        case 0x1301: return RecordCipher::aes_128_gcm;
        case 0x1302: return RecordCipher::aes_256_gcm;
        case 0x1303: return RecordCipher::chacha20_poly1305;
        default: return std::nullopt;
    }
}

std::optional<RecordLayer> RecordLayer::from_secrets(RecordCipher cipher, std::string_view client_secret,
                                                     std::string_view server_secret,
                                                     std::uint64_t server_records_sent) {
    const std::size_t hash_size = spec_of(cipher).sha384 ? 48 : 32;
    if (client_secret.size() != hash_size || server_secret.size() != hash_size || fetched(cipher) == nullptr) {
        return std::nullopt;
    }
    RecordLayer layer;
    layer.cipher_ = cipher;
    std::memcpy(layer.read_.secret.data(), client_secret.data(), hash_size);
    std::memcpy(layer.write_.secret.data(), server_secret.data(), hash_size);
    layer.read_.secret_size = layer.write_.secret_size = hash_size;
    layer.write_.sequence = server_records_sent;
    if (!derive_keys(cipher, layer.read_) || !derive_keys(cipher, layer.write_)) {
        return std::nullopt;
    }
    return layer;
}

bool RecordLayer::update(Direction& direction) {
    const CipherSpec spec = spec_of(cipher_);
    std::array<unsigned char, 48> next{};
    if (!expand_label(spec.sha384, direction.secret.data(), direction.secret_size, "traffic upd", next.data(),
                      direction.secret_size)) {
        return false;
    }
    direction.secret = next;
    OPENSSL_cleanse(next.data(), next.size());
    direction.sequence = 0;
    return derive_keys(cipher_, direction);
}

bool RecordLayer::seal_record(std::uint8_t inner_type, std::string_view plaintext, std::string& out) {
    const std::size_t length = plaintext.size() + 1 + tag_size;
    const unsigned char header[5] = {application_data, 3, 3, static_cast<unsigned char>(length >> 8),
                                     static_cast<unsigned char>(length)};
    const std::array<unsigned char, 12> nonce = nonce_of(write_);
    EVP_CIPHER_CTX* ctx = thread_context();
    const std::size_t at = out.size();
    out.resize(at + 5 + length);
    auto* p = reinterpret_cast<unsigned char*>(out.data() + at);
    std::memcpy(p, header, 5);
    int n = 0;
    int tail = 0;
    const bool ok =
        ctx != nullptr && EVP_CipherInit_ex2(ctx, fetched(cipher_), write_.keys.key.data(), nonce.data(), 1, nullptr) == 1 &&
        EVP_CipherUpdate(ctx, nullptr, &n, header, 5) == 1 &&
        EVP_CipherUpdate(ctx, p + 5, &n, reinterpret_cast<const unsigned char*>(plaintext.data()),
                         static_cast<int>(plaintext.size())) == 1 &&
        EVP_CipherUpdate(ctx, p + 5 + plaintext.size(), &tail, &inner_type, 1) == 1 &&
        EVP_CipherFinal_ex(ctx, p + 5 + plaintext.size() + 1, &n) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, tag_size, p + 5 + plaintext.size() + 1) == 1;
    if (!ok) {
        out.resize(at);
        return false;
    }
    ++write_.sequence;
    return true;
}

bool RecordLayer::seal(std::string_view plaintext, std::string& out) {
    while (!plaintext.empty()) {
        const std::string_view piece = plaintext.substr(0, max_plaintext);
        if (!seal_record(application_data, piece, out)) {
            return false;
        }
        plaintext.remove_prefix(piece.size());
    }
    return true;
}

bool RecordLayer::seal_close_notify(std::string& out) {
    static constexpr char close_notify[2] = {1, 0};  // warning, close_notify
    return seal_record(alert, std::string_view(close_notify, 2), out);
}

OpenStep RecordLayer::open(std::string_view input, std::string& plaintext, std::string& reply) {
    if (input.size() < 5) {
        return {OpenStatus::need_more, 0};
    }
    const auto* header = reinterpret_cast<const unsigned char*>(input.data());
    const std::size_t length = (std::size_t{header[3]} << 8) | header[4];
    // After the handshake every record is protected application_data (§5.1): a plaintext
    // alert or change_cipher_spec here is an attack or a broken peer.
    if (header[0] != application_data || header[1] != 3 || length < tag_size + 1 || length > max_ciphertext) {
        return {OpenStatus::failed, 0};
    }
    if (input.size() < 5 + length) {
        return {OpenStatus::need_more, 0};
    }
    const std::size_t record = 5 + length;
    const std::array<unsigned char, 12> nonce = nonce_of(read_);
    const std::size_t sealed = length - tag_size;
    plaintext.resize(sealed);
    EVP_CIPHER_CTX* ctx = thread_context();
    int n = 0;
    const bool ok =
        ctx != nullptr && EVP_CipherInit_ex2(ctx, fetched(cipher_), read_.keys.key.data(), nonce.data(), 0, nullptr) == 1 &&
        EVP_CipherUpdate(ctx, nullptr, &n, header, 5) == 1 &&
        EVP_CipherUpdate(ctx, reinterpret_cast<unsigned char*>(plaintext.data()), &n, header + 5,
                         static_cast<int>(sealed)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tag_size, const_cast<unsigned char*>(header + 5 + sealed)) == 1 &&
        EVP_CipherFinal_ex(ctx, reinterpret_cast<unsigned char*>(plaintext.data()) + n, &n) == 1;
    if (!ok) {
        return {OpenStatus::failed, record};
    }
    ++read_.sequence;
    // The inner content type is the last non-zero byte; zeros after it are padding (§5.4).
    while (!plaintext.empty() && plaintext.back() == '\0') {
        plaintext.pop_back();
    }
    if (plaintext.empty()) {
        return {OpenStatus::failed, record};
    }
    const auto inner = static_cast<std::uint8_t>(plaintext.back());
    plaintext.pop_back();
    switch (inner) {
        case application_data:
            return {OpenStatus::data, record};
        case alert:
            // close_notify is the only alert that does not end in failure (§6).
            return {plaintext.size() == 2 && plaintext[1] == 0 ? OpenStatus::closed : OpenStatus::failed, record};
        case handshake:
            break;
        default:
            return {OpenStatus::failed, record};
    }
    // Post-handshake messages from a client: only KeyUpdate (no certificate was asked for
    // after the handshake, and clients send no tickets).
    std::string_view messages = plaintext;
    while (!messages.empty()) {
        if (messages.size() < 5 || static_cast<std::uint8_t>(messages[0]) != key_update || messages[1] != 0 ||
            messages[2] != 0 || messages[3] != 1) {
            return {OpenStatus::failed, record};
        }
        const auto request = static_cast<std::uint8_t>(messages[4]);
        if (request > 1 || !update(read_)) {
            return {OpenStatus::failed, record};
        }
        if (request == 1) {
            // Ours goes under the old key, then we switch (§4.6.3).
            static constexpr char ours[5] = {static_cast<char>(key_update), 0, 0, 1, 0};
            if (!seal_record(handshake, std::string_view(ours, 5), reply) || !update(write_)) {
                return {OpenStatus::failed, record};
            }
        }
        messages.remove_prefix(5);
    }
    plaintext.clear();
    return {OpenStatus::data, record};  // no application bytes: the caller reads on
}

}  // namespace ringwall::tls
