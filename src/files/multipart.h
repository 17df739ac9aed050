// src/files/multipart.h: the framing of a multipart/byteranges body (RFC 9110 §14.6), so
// a 206 with several ranges can send file bytes between precomputed pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "files/range.h"

namespace ringwall::files {

// 32 hex digits derived from `seed` by a bijective mix, so consecutive seeds (a counter)
// give unrelated-looking boundaries. Callers seed from a per-worker random value plus a
// counter: a file that happens to contain the boundary line would break the framing, and
// a guessable boundary lets whoever writes the file arrange that.
std::string make_boundary(std::uint64_t seed);

// The body is, for parts i = 0..n-1: part_head(i), then the bytes of ranges[i]; then
// closing(). Each head after the first starts with the CRLF that ends the previous
// part's bytes, so the caller never writes separators of its own.
class MultipartByteranges {
public:
    // `ranges` as parse_range returns them (in the representation, disjoint); it is
    // borrowed and must outlive this object. `content_type` is the representation's
    // type, already a valid field value; empty leaves the parts without Content-Type.
    MultipartByteranges(std::string boundary, std::string_view content_type, std::uint64_t length,
                        std::span<const ByteRange> ranges);

    // "multipart/byteranges; boundary=<boundary>", the response's Content-Type.
    std::string content_type() const;

    std::size_t part_count() const noexcept { return ranges_.size(); }

    // "[CRLF]--B\r\nContent-Type: T\r\nContent-Range: bytes a-b/LEN\r\n\r\n". index < part_count().
    std::string part_head(std::size_t index) const;

    // "\r\n--B--\r\n".
    std::string closing() const;

    // The Content-Length of the whole body, computed without building it. Cannot overflow
    // for ranges within a representation shorter than 2^63 bytes (any file).
    std::uint64_t body_length() const noexcept;

private:
    std::string boundary_;
    std::string part_type_;  // the representation's type: one per part
    std::uint64_t length_;
    std::span<const ByteRange> ranges_;
};

}  // namespace ringwall::files
