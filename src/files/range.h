// src/files/range.h: the Range request field (RFC 9110 §14) read against a representation
// of known length, with the count of ranges capped and overlaps coalesced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringwall::files {

// Inclusive, as Content-Range writes it. always: first <= last < representation length.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;

    std::uint64_t size() const noexcept { return last - first + 1; }
    friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

enum class RangeVerdict : std::uint8_t {
    none,           // no Range, another unit, or invalid syntax: ignore it and send 200
    satisfiable,    // send 206 with `ranges`
    unsatisfiable,  // send 416 with Content-Range: bytes */length
    too_many,       // more range-specs than allowed: send 416 as well (a request shaped
                    // like an amplification attempt gets no body)
};

struct RangeRequest {
    RangeVerdict verdict = RangeVerdict::none;
    // For satisfiable only: sorted by first, non-empty, and no two overlap or touch.
    std::vector<ByteRange> ranges;
};

inline constexpr std::size_t default_max_ranges = 16;

// `value` is the Range field value (nullopt when absent; several field lines may not be
// combined: Range is a singleton). The unit "bytes" is matched case-insensitively with
// nothing between it and '='; OWS may surround each list element, empty elements are
// skipped, and numbers are plain digits: a sign, a space inside a spec, last < first or
// a value past 2^64-1 makes the whole field invalid (none), as RFC 9110 §14.2 lets a
// server ignore it.
//
// Specs are counted as written, before coalescing; past `max_ranges` the answer is
// too_many and parsing stops. Specs that start at or past `length`, and "-0", are
// dropped; the others are clipped to the length. A zero-length representation has no
// byte to send, so any valid field is unsatisfiable.
//
// The satisfiable ranges are sorted and merged when they overlap or touch. RFC 9110
// §14.2 asks for parts in request order "excluding those ... coalesced"; we sort
// instead so that overlapping specs can never make the response longer than the
// representation.
RangeRequest parse_range(std::optional<std::string_view> value, std::uint64_t length,
                         std::size_t max_ranges = default_max_ranges);

// "bytes 0-499/1234", for a 206 with one range and for each multipart part.
std::string format_content_range(ByteRange range, std::uint64_t length);

// "bytes */1234", for a 416.
std::string format_unsatisfied_range(std::uint64_t length);

}  // namespace ringwall::files
