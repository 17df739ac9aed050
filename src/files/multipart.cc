// src/files/multipart.cc: multipart/byteranges pieces and their exact total size.
#include "files/multipart.h"

#include <utility>

namespace ringwall::files {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view dashes = "--";
constexpr std::string_view type_name = "Content-Type: ";
constexpr std::string_view range_name = "Content-Range: bytes ";

std::uint64_t decimal_digits(std::uint64_t value) noexcept {
    std::uint64_t digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

// splitmix64's finalizer: an invertible mix, so distinct seeds never share a boundary.
std::uint64_t mix(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

void append_hex(std::string& out, std::uint64_t value) {
    constexpr std::string_view digits = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4) {
        out.push_back(digits[(value >> shift) & 0xf]);
    }
}

}  // namespace

std::string make_boundary(std::uint64_t seed) {
    std::string out;
    out.reserve(32);
    const std::uint64_t high = mix(seed);
    append_hex(out, high);
    append_hex(out, mix(high ^ 0x9e3779b97f4a7c15ULL));
    return out;
}

MultipartByteranges::MultipartByteranges(std::string boundary, std::string_view content_type,
                                         std::uint64_t length, std::span<const ByteRange> ranges)
    : boundary_(std::move(boundary)), part_type_(content_type), length_(length), ranges_(ranges) {}

std::string MultipartByteranges::content_type() const {
    return "multipart/byteranges; boundary=" + boundary_;
}

std::string MultipartByteranges::part_head(std::size_t index) const {
    const ByteRange range = ranges_[index];
    std::string out;
    if (index > 0) {
        out.append(crlf);
    }
    out.append(dashes).append(boundary_).append(crlf);
    if (!part_type_.empty()) {
        out.append(type_name).append(part_type_).append(crlf);
    }
    out.append(range_name)
        .append(std::to_string(range.first))
        .append("-")
        .append(std::to_string(range.last))
        .append("/")
        .append(std::to_string(length_))
        .append(crlf)
        .append(crlf);
    return out;
}

std::string MultipartByteranges::closing() const {
    std::string out;
    out.append(crlf).append(dashes).append(boundary_).append(dashes).append(crlf);
    return out;
}

std::uint64_t MultipartByteranges::body_length() const noexcept {
    // Mirrors part_head and closing piece by piece; the unit tests and the range fuzzer
    // check it against the built pieces.
    const std::uint64_t delimiter = dashes.size() + boundary_.size() + crlf.size();
    const std::uint64_t type_line =
        part_type_.empty() ? 0 : type_name.size() + part_type_.size() + crlf.size();
    const std::uint64_t length_digits = decimal_digits(length_);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < ranges_.size(); ++i) {
        const ByteRange range = ranges_[i];
        const std::uint64_t range_line = range_name.size() + decimal_digits(range.first) + 1 +
                                         decimal_digits(range.last) + 1 + length_digits +
                                         crlf.size();
        total += (i > 0 ? crlf.size() : 0) + delimiter + type_line + range_line + crlf.size();
        total += range.size();
    }
    total += crlf.size() + dashes.size() + boundary_.size() + dashes.size() + crlf.size();
    return total;
}

}  // namespace ringwall::files
