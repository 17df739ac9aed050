// tests/compress/decoders.cc: one-shot zlib, brotli and zstd decoding for the tests.
#include "compress/decoders.h"

#define ZLIB_CONST
#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>

namespace ringwall::compress::testing {

std::optional<std::string> decode_gzip(std::string_view stream, std::size_t max_size) {
    z_stream z{};
    // 15 + 16: a gzip wrapper and nothing else; 15 + 32 would also accept zlib's.
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        return std::nullopt;
    }
    std::string out(max_size + 1, '\0');  // one spare byte tells "too long" from "exact"
    z.next_in = reinterpret_cast<const Bytef*>(stream.data());
    z.avail_in = static_cast<uInt>(stream.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t written = z.total_out;
    const bool whole = rc == Z_STREAM_END && z.avail_in == 0 && written <= max_size;
    inflateEnd(&z);
    if (!whole) {
        return std::nullopt;
    }
    out.resize(written);
    return out;
}

std::optional<std::string> decode_brotli(std::string_view stream, std::size_t max_size) {
    std::string out(max_size + 1, '\0');
    std::size_t written = out.size();
    // BrotliDecoderDecompress fails on trailing bytes and on a truncated stream.
    if (BrotliDecoderDecompress(stream.size(), reinterpret_cast<const std::uint8_t*>(stream.data()),
                                &written, reinterpret_cast<std::uint8_t*>(out.data())) !=
            BROTLI_DECODER_RESULT_SUCCESS ||
        written > max_size) {
        return std::nullopt;
    }
    out.resize(written);
    return out;
}

std::optional<std::string> decode_zstd(std::string_view frame, std::size_t max_size) {
    std::string out(max_size + 1, '\0');
    // ZSTD_decompress decodes every frame it is given: a second frame or trailing garbage
    // shows up as extra output or an error.
    const std::size_t written = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
    if (ZSTD_isError(written) || written > max_size) {
        return std::nullopt;
    }
    out.resize(written);
    return out;
}

}  // namespace ringwall::compress::testing
