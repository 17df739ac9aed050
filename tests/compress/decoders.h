// tests/compress/decoders.h: the reference decoders the encoders' output must satisfy.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ringwall::compress::testing {

// Each decodes one whole stream and returns nullopt when the stream is invalid, is
// truncated, has bytes after its end, or decodes to more than `max_size` bytes.
std::optional<std::string> decode_gzip(std::string_view stream, std::size_t max_size);
std::optional<std::string> decode_brotli(std::string_view stream, std::size_t max_size);
std::optional<std::string> decode_zstd(std::string_view frame, std::size_t max_size);

}  // namespace ringwall::compress::testing
