// src/compress/brotli_encoder.cc: brotli streams (RFC 7932) through libbrotlienc.
#include <brotli/encode.h>

#include <cstddef>
#include <cstdint>

#include "compress/encoders.h"

namespace ringwall::compress {
namespace {

// The smallest window that holds the whole input, a WBITS window being (1 << WBITS) - 16
// bytes (RFC 7932 §9.1). The stream header announces it and a decoder may reserve that
// much memory per response, so a 2 KiB file should not make a phone reserve the 4 MiB of
// the library's default. The encoder picks its match finder by it too, which keeps the
// higher qualities affordable (compress.cc). A window that holds the input loses nothing:
// no match can reach further back than the start.
int window_bits_for(std::size_t size) {
    int bits = BROTLI_MIN_WINDOW_BITS;
    while (bits < BROTLI_MAX_WINDOW_BITS && (std::size_t{1} << bits) - 16 < size) {
        ++bits;
    }
    return bits;
}

}  // namespace

std::optional<std::string> encode_brotli(std::string_view input, int quality) {
    std::size_t size = BrotliEncoderMaxCompressedSize(input.size());
    if (size == 0) {  // the bound overflows size_t
        return std::nullopt;
    }
    std::string out(size, '\0');
    // BROTLI_MODE_GENERIC: the caller does not tell us whether the body is text, and the
    // text hint changed no output size by more than 0.1% on our JS/CSS/HTML sample.
    if (BrotliEncoderCompress(quality, window_bits_for(input.size()), BROTLI_MODE_GENERIC,
                              input.size(), reinterpret_cast<const std::uint8_t*>(input.data()),
                              &size, reinterpret_cast<std::uint8_t*>(out.data())) != BROTLI_TRUE) {
        return std::nullopt;
    }
    return std::string(out.data(), size);
}

}  // namespace ringwall::compress
