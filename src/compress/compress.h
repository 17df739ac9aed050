// src/compress/compress.h: one-shot compression of a whole body held in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compress/coding.h"

namespace ringwall::compress {

// How much CPU a body is worth: it depends on how many times the result will be sent.
// compress.cc gives the level of each coding and the measurements behind it.
enum class Level : std::uint8_t {
    on_the_fly,  // compressed for one response: a few ms per MiB
    cached,      // compressed once, served from memory many times: tens of ms per MiB
};

// Compresses `input` whole into one complete stream of `coding`: a gzip member (RFC 1952),
// a brotli stream (RFC 7932) or a zstd frame (RFC 8878) that states the content size.
// Deterministic: the same input, coding and level give the same bytes, so the variants
// that different workers cache are identical and a range request may be served by any.
// Incompressible input grows by well under 1%; callers that cache decide whether a
// variant is worth keeping. Runs on the calling thread for as long as the encoder needs
// (up to about 50 ms for 1 MiB of text at Level::cached), so callers bound the input size.
// Returns nullopt when the library fails (allocation failure, or gzip above 4 GiB).
std::optional<std::string> compress(Coding coding, std::string_view input, Level level);

}  // namespace ringwall::compress
