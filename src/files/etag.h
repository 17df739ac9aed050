// src/files/etag.h: the strong ETags static files get, and their per-coding variants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringwall::files {

// What identifies one version of a file's bytes, from statx.
struct FileVersion {
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;  // nanoseconds since the epoch

    friend bool operator==(const FileVersion&, const FileVersion&) = default;
};

// "\"<mtime_ns>-<size>-<inode>\"", each in lowercase hex without leading zeros (a
// negative mtime is written as its two's complement). Strong: a rewrite within the same
// second still changes mtime_ns, and a file swapped in by rename changes the inode.
std::string make_etag(const FileVersion& version);

// The ETag of the `coding` representation of the same file, e.g. "\"...-br\"" for
// "br": a compressed body is a different representation and must not share its
// validator with the identity one (RFC 9110 §8.8.3). `etag` is one make_etag made and
// `coding` a lowercase token such as "br", "zstd" or "gzip"; an empty `coding` returns
// `etag` unchanged.
std::string make_encoded_etag(std::string_view etag, std::string_view coding);

}  // namespace ringwall::files
