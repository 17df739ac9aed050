// src/compress/encoders.h: one function per library, each taking that library's own level.
// Internal to src/compress: callers use compress() and Level.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ringwall::compress {

// Each returns the whole stream, or nullopt when the library fails. The result's capacity
// is its size: cached variants live long, so the encoder's worst-case bound is given back.
std::optional<std::string> encode_gzip(std::string_view input, int level);
std::optional<std::string> encode_brotli(std::string_view input, int quality);
std::optional<std::string> encode_zstd(std::string_view input, int level);

}  // namespace ringwall::compress
