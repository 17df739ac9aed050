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

// Measured with bench/compress_bench (one process per level, pinned, machine otherwise
// quiet) on the bench machine, Debian bookworm's zlib 1.2.13, brotli 1.0.9 and zstd 1.5.4,
// over 11 text files from /usr/share (1.43 MiB: GPL-3, jquery.js and .min.js,
// underscore.js, highlight.min.js, four CSS files, an HTML page, an SVG, a JSON table).
// Figures: compressed/original bytes, then ms of one core per MiB of input.
//
// on_the_fly, for a body compressed for one response, spends a few ms per MiB:
//   gzip 1: 0.353, 10 ms (2: 0.340 at 12 ms)
//   br 2:   0.314,  8 ms (1: 0.342 at 10 ms; 4: 0.301 at 31 ms)
//   zstd 3: 0.312,  5 ms (zstd's own default; 1: 0.348 at 6 ms)
//
// cached is for a variant compressed once and sent many times, where every byte saved is
// saved again on each response. The fill still runs on a worker (or holds up the response
// that caused it), so a 1 MiB file, the cache's limit, must cost tens of ms, not seconds:
//   gzip 6: 0.301, 30 ms (5: 0.304 at 21 ms; 9: 0.300 at 46 ms)
//   br 8:   0.274, 44 ms (5: 0.282 at 51 ms; 6: 0.278 at 61 ms; 7: 0.275 at 37 ms;
//           9: 0.273 at 474 ms; 11: 0.249 at 1,617 ms, a stall no worker can afford)
//   zstd 9: 0.287, 18 ms (6: 0.291 at 12 ms; 12: 0.285 at 32 ms; 19: 0.265 at 342 ms)
// Brotli's time did not grow with the quality from 5 to 8. It moved more with the input
// than with the level (16 to 130 ms/MiB over single files of 35 KiB to 1 MiB, and each
// call allocates and faults in fresh match tables), and 8 had the lowest worst case: on
// 1 MiB of real JS and HTML it took 50 ms, where 6 took 77 ms and 7 took 99 ms. So we take
// the best ratio before 9's jump. Quality 8 holds about 21 MiB during the call (6: 9 MiB),
// once per file. Fitting the window to the body (brotli_encoder.cc) keeps 7 and up
// affordable: with the library's default 4 MiB window, 7 took 4 times as long.
// Against gzip 6, zstd 9 sends 5% fewer bytes in less time, brotli 8 9% fewer in 1.5 times.
constexpr Levels on_the_fly_levels{.gzip = 1, .brotli = 2, .zstd = 3};
constexpr Levels cached_levels{.gzip = 6, .brotli = 8, .zstd = 9};

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
