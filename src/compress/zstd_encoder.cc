// src/compress/zstd_encoder.cc: zstd frames (RFC 8878) through libzstd.
#include <zstd.h>

#include <memory>

#include "compress/encoders.h"

namespace ringwall::compress {
namespace {

struct CctxDeleter {
    void operator()(ZSTD_CCtx* cctx) const noexcept { ZSTD_freeCCtx(cctx); }
};

bool set(ZSTD_CCtx* cctx, ZSTD_cParameter param, int value) {
    return !ZSTD_isError(ZSTD_CCtx_setParameter(cctx, param, value));
}

}  // namespace

std::optional<std::string> encode_zstd(std::string_view input, int level) {
    const std::unique_ptr<ZSTD_CCtx, CctxDeleter> cctx(ZSTD_createCCtx());
    if (!cctx) {
        return std::nullopt;
    }
    // The content size in the frame header lets a decoder allocate the output once (it is
    // zstd's default; we rely on it, so we say so). No checksum: TCP and TLS already guard
    // the bytes, and it would cost 4 bytes and a hash per response for nothing.
    // The window needs no setting: zstd shrinks it to the input, and level 9 uses at most
    // 4 MiB, inside the 8 MB that RFC 9659 allows a "zstd" content coding.
    if (!set(cctx.get(), ZSTD_c_compressionLevel, level) ||
        !set(cctx.get(), ZSTD_c_contentSizeFlag, 1) || !set(cctx.get(), ZSTD_c_checksumFlag, 0)) {
        return std::nullopt;
    }
    std::string out(ZSTD_compressBound(input.size()), '\0');
    const std::size_t written =
        ZSTD_compress2(cctx.get(), out.data(), out.size(), input.data(), input.size());
    if (ZSTD_isError(written)) {
        return std::nullopt;
    }
    return std::string(out.data(), written);
}

}  // namespace ringwall::compress
