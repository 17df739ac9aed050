// src/compress/compress.cc: picks each library's level for a Level and dispatches.
#include "compress/compress.h"

#include "compress/encoders.h"

namespace ringwall::compress {
namespace {

struct Levels {
    int gzip;
    int brotli;
    int zstd;
};

// Measured with each library one-shot on one core of the 2-core bench machine (Debian
// bookworm: zlib 1.2.13, brotli 1.0.9, zstd 1.5.4), on 11 files from /usr/share totalling
// 1.43 MiB: GPL-3, jquery.js and .min.js, underscore.js, highlight.min.js, four CSS files,
// an HTML page, an SVG and a JSON table. Figures are compressed/original bytes and the time
// to compress one MiB.
//
// on_the_fly spends a few ms per MiB, for a body compressed for one response:
//   gzip 1: 0.353, 10 ms (deflate has nothing much cheaper)
//   br 2:   0.314,  7 ms (q1: 0.342 at 4 ms; q4: 0.301 at 13 ms)
//   zstd 3: 0.312,  4 ms (zstd's own default; 1: 0.348 at 2.5 ms)
//
// cached is for a variant compressed once and sent many times, where every byte saved is
// saved again on each response. The fill still runs on a reactor thread (or holds up the
// response that caused it), so a 1 MiB file, the cache's limit, must take tens of ms, not
// seconds. Each choice is the last level before its codec's cost jumps:
//   gzip 6: 0.301, 37 ms (9: 0.300 at 67 ms)
//   br 6:   0.278, 26–48 ms (5: 0.282 at 22–39 ms; 7: 0.275 at 64–234 ms;
//           11: 0.249 at 2,300 ms, a stall no worker can afford)
//   zstd 9: 0.287, 16–23 ms (6: 0.291 at 12–18 ms; 12: 0.285 at 40–75 ms;
//           19: 0.265 at 400–600 ms)
// brotli at 6 and zstd at 9 cost about what gzip 6 costs and send 7–8% fewer bytes.
constexpr Levels on_the_fly_levels{.gzip = 1, .brotli = 2, .zstd = 3};
constexpr Levels cached_levels{.gzip = 6, .brotli = 6, .zstd = 9};

}  // namespace

std::optional<std::string> compress(Coding coding, std::string_view input, Level level) {
    const Levels& levels = level == Level::cached ? cached_levels : on_the_fly_levels;
    switch (coding) {
        case Coding::gzip:
            return encode_gzip(input, levels.gzip);
        case Coding::br:
            return encode_brotli(input, levels.brotli);
        case Coding::zstd:
            return encode_zstd(input, levels.zstd);
    }
    return std::nullopt;
}

}  // namespace ringwall::compress
