// src/compress/coding.h: the HTTP content codings Ringwall produces, with their names.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringwall::compress {

enum class Coding : std::uint8_t { gzip, br, zstd };

// The content-coding token of RFC 9110 §8.4.1 (IANA registry), as written in
// Accept-Encoding and Content-Encoding: "gzip", "br" (RFC 7932), "zstd" (RFC 8878, RFC 9659).
constexpr std::string_view token(Coding coding) noexcept {
    switch (coding) {
        case Coding::gzip:
            return "gzip";
        case Coding::br:
            return "br";
        case Coding::zstd:
            return "zstd";
    }
    return {};
}

// The suffix of a precompressed sibling file ("app.js" → "app.js.br"), the names that
// gzip(1), brotli(1) and zstd(1) write and that nginx's gzip_static and h2o's
// file.send-compressed look for.
constexpr std::string_view suffix(Coding coding) noexcept {
    switch (coding) {
        case Coding::gzip:
            return ".gz";
        case Coding::br:
            return ".br";
        case Coding::zstd:
            return ".zst";
    }
    return {};
}

}  // namespace ringwall::compress
