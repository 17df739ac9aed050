// fuzz/fuzz_support.h: what the HTTP/1 fuzz targets share: input layout, limits, splits,
// and the grammar checks every accepted message must pass.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "http1/field_rules.h"
#include "http1/limits.h"
#include "http1/split_helpers.h"

namespace ringwall::http1::fuzzing {

using testing::Chunks;
using testing::Message;
using testing::Outcome;

// Input layout: 4 control bytes, then the message bytes.
//   ctl[0], ctl[1]  two cut points for a 3-way split
//   ctl[2]          bit 0: small limits; bit 1: limits taken from ctl[3] (tiny, varied);
//                   bit 2: response to HEAD (response fuzzer)
//   ctl[3]          seed for varied limits
struct Input {
    std::uint8_t ctl[4] = {};
    std::string_view bytes;
};

inline constexpr std::size_t control_size = 4;

inline bool split_input(const std::uint8_t* data, std::size_t size, Input& in) {
    if (size < control_size) {
        return false;
    }
    std::copy(data, data + control_size, in.ctl);
    in.bytes = std::string_view(reinterpret_cast<const char*>(data) + control_size, size - control_size);
    return true;
}

inline Limits pick_limits(const Input& in) {
    if (in.ctl[2] & 2) {
        const std::size_t s = in.ctl[3];
        return Limits{.max_request_line = 16 + (s & 0x1f),
                      .max_field_size = 8 + (s >> 2 & 0x1f),
                      .max_header_size = 24 + (s >> 1 & 0x3f),
                      .max_fields = 1 + (s >> 5),
                      .max_body_size = s,
                      .max_chunk_extension = s & 0x0f};
    }
    return (in.ctl[2] & 1) ? Limits::small() : Limits{};
}

inline Limits huge_limits() {
    constexpr std::size_t big = std::size_t{1} << 30;
    return Limits{.max_request_line = big,
                  .max_field_size = big,
                  .max_header_size = big,
                  .max_fields = big,
                  .max_body_size = std::numeric_limits<std::uint64_t>::max(),
                  .max_chunk_extension = big};
}

inline Chunks three_way(const Input& in) {
    const std::string_view b = in.bytes;
    std::size_t x = in.ctl[0] % (b.size() + 1);
    std::size_t y = in.ctl[1] % (b.size() + 1);
    if (x > y) {
        std::swap(x, y);
    }
    return Chunks{b.substr(0, x), b.substr(x, y - x), b.substr(y)};
}

inline Chunks byte_by_byte(std::string_view b) {
    Chunks chunks;
    for (std::size_t i = 0; i < b.size(); ++i) {
        chunks.push_back(b.substr(i, 1));
    }
    return chunks;
}

[[noreturn]] inline void die(const char* what, const Outcome& a, const Outcome& b) {
    std::fprintf(stderr, "PROPERTY BROKEN: %s\n  whole: %s\n  other: %s\n", what,
                 testing::describe(a).c_str(), testing::describe(b).c_str());
    std::abort();
}

inline void check(bool ok, const char* what, const Outcome& out) {
    if (!ok) {
        die(what, out, out);
    }
}

inline bool is_clean_value(std::string_view v) {
    return is_field_value(v) && (v.empty() || (!is_ows(v.front()) && !is_ows(v.back())));
}

// Whatever a parser accepted must satisfy the grammar it claims to enforce.
inline void check_fields(const std::vector<testing::OwnedField>& fields, const Outcome& out) {
    for (const testing::OwnedField& f : fields) {
        check(is_token(f.name), "accepted a field name that is not a token", out);
        check(is_clean_value(f.value), "accepted a field value with CTL or untrimmed OWS", out);
    }
}

// The split property (STYLE.md §10): however the bytes are cut, the outcome is the same.
template <typename Parse>
Outcome check_splits(const Input& in, Parse parse) {
    const Outcome whole = parse(Chunks{in.bytes});
    check(whole.violation.empty(), whole.violation.c_str(), whole);
    const Outcome split = parse(three_way(in));
    if (!(split == whole)) {
        die("a 3-way split changed the outcome", whole, split);
    }
    if (in.bytes.size() <= 512) {
        const Outcome bytes = parse(byte_by_byte(in.bytes));
        if (!(bytes == whole)) {
            die("byte-at-a-time input changed the outcome", whole, bytes);
        }
    }
    return whole;
}

}  // namespace ringwall::http1::fuzzing
