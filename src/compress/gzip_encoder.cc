// src/compress/gzip_encoder.cc: gzip members (RFC 1952) through zlib's deflate.
#define ZLIB_CONST  // next_in becomes a pointer to const: no cast away from string_view
#include <zlib.h>

#include <limits>

#include "compress/encoders.h"

namespace ringwall::compress {
namespace {

// windowBits 15 (32 KiB, deflate's maximum) plus 16 asks zlib for the gzip wrapper instead
// of the zlib one: browsers accept "gzip" but not every one decodes a zlib-wrapped
// "deflate" (RFC 9110 §8.4.1.2 notes the confusion). The header zlib writes has no name and
// mtime 0, which keeps the output deterministic.
constexpr int gzip_window_bits = 15 + 16;
constexpr int default_mem_level = 8;

}  // namespace

std::optional<std::string> encode_gzip(std::string_view input, int level) {
    // zlib counts in 32-bit uInt; one call covers the whole input only below 4 GiB, far
    // above anything worth compressing in one piece.
    if (input.size() > std::numeric_limits<uInt>::max()) {
        return std::nullopt;
    }
    z_stream stream{};
    if (deflateInit2(&stream, level, Z_DEFLATED, gzip_window_bits, default_mem_level,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return std::nullopt;
    }
    const uLong bound = deflateBound(&stream, input.size());
    if (bound > std::numeric_limits<uInt>::max()) {
        deflateEnd(&stream);
        return std::nullopt;
    }
    std::string out(bound, '\0');
    stream.next_in = reinterpret_cast<const Bytef*>(input.data());
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    // With deflateBound's room, one Z_FINISH call ends the stream (zlib.h, deflateBound).
    const int rc = deflate(&stream, Z_FINISH);
    const uLong written = stream.total_out;
    deflateEnd(&stream);
    if (rc != Z_STREAM_END) {
        return std::nullopt;
    }
    return std::string(out.data(), written);
}

}  // namespace ringwall::compress
