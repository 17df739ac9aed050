// src/files/etag.cc: ETag text for files and their encoded variants.
#include "files/etag.h"

namespace ringwall::files {

namespace {

void append_hex(std::string& out, std::uint64_t value) {
    constexpr std::string_view digits = "0123456789abcdef";
    char buffer[16];
    std::size_t n = 0;
    do {
        buffer[n++] = digits[value & 0xf];
        value >>= 4;
    } while (value != 0);
    while (n > 0) {
        out.push_back(buffer[--n]);
    }
}

}  // namespace

std::string make_etag(const FileVersion& version) {
    std::string out;
    out.reserve(2 + 16 * 3 + 2);
    out.push_back('"');
    append_hex(out, static_cast<std::uint64_t>(version.mtime_ns));
    out.push_back('-');
    append_hex(out, version.size);
    out.push_back('-');
    append_hex(out, version.inode);
    out.push_back('"');
    return out;
}

std::string make_encoded_etag(std::string_view etag, std::string_view coding) {
    if (coding.empty() || etag.empty() || etag.back() != '"') {
        return std::string(etag);
    }
    std::string out;
    out.reserve(etag.size() + 1 + coding.size());
    out.append(etag.substr(0, etag.size() - 1));
    out.push_back('-');
    out.append(coding);
    out.push_back('"');
    return out;
}

}  // namespace ringwall::files
