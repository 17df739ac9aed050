// src/tls/record_layer.h: TLS 1.3 application records (RFC 8446 §5) sealed and opened with
// the traffic secrets of a finished handshake, so that the SSL object, about 14 KiB per
// connection, can be freed once the handshake is over: what kTLS does in the kernel.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringwall::tls {

enum class RecordCipher : std::uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305 };

// The cipher of a TLS 1.3 suite id (0x1301..0x1303), or nullopt for any other.
std::optional<RecordCipher> record_cipher_of(std::uint16_t suite) noexcept;

struct TrafficKeys {
    std::array<unsigned char, 32> key{};
    std::array<unsigned char, 12> iv{};
};

// One direction: its current secret (kept for KeyUpdate), keys and sequence number.
struct Direction {
    std::array<unsigned char, 48> secret{};
    std::size_t secret_size = 0;
    TrafficKeys keys;
    std::uint64_t sequence = 0;
};

enum class OpenStatus : std::uint8_t {
    data,       // `plaintext` holds application bytes
    need_more,  // no whole record in the input
    closed,     // close_notify
    failed,     // bad record, bad alert, unexpected message: the connection is over
};

struct OpenStep {
    OpenStatus status;
    std::size_t consumed = 0;  // input bytes used, whatever the status
};

class RecordLayer {
public:
    // `client_secret`, `server_secret`: the *_TRAFFIC_SECRET_0 of the handshake;
    // `server_records_sent`: application-key records the server has already written
    // (its session tickets). Nullopt for an unknown cipher or a secret of the wrong size.
    static std::optional<RecordLayer> from_secrets(RecordCipher cipher, std::string_view client_secret,
                                                   std::string_view server_secret, std::uint64_t server_records_sent);

    // Seals `plaintext` as records of at most 16 KiB each, appended to `out`.
    bool seal(std::string_view plaintext, std::string& out);
    // Appends a close_notify alert.
    bool seal_close_notify(std::string& out);

    // Opens the first record of `input` into `plaintext` (replaced). A KeyUpdate from the
    // client updates its key and, when it asks, ours: the KeyUpdate we owe is appended to
    // `reply`, to go out before any other record we send.
    OpenStep open(std::string_view input, std::string& plaintext, std::string& reply);

private:
    RecordLayer() = default;
    bool seal_record(std::uint8_t inner_type, std::string_view plaintext, std::string& out);
    bool update(Direction& direction);

    RecordCipher cipher_ = RecordCipher::aes_128_gcm;
    Direction read_;
    Direction write_;
};

}  // namespace ringwall::tls
