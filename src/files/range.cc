// src/files/range.cc: Range parsing, clipping and coalescing.
#include "files/range.h"

#include <algorithm>

#include "files/field_text.h"
#include "util/ascii.h"

namespace ringwall::files {

namespace {

// One range-spec clipped to the representation: a range, or nothing when it cannot be
// satisfied. `valid` is false for a spec that breaks the grammar.
struct Spec {
    bool valid = false;
    std::optional<ByteRange> range;
};

Spec read_spec(std::string_view spec, std::uint64_t length) {
    const std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos) {
        return {};
    }
    if (dash == 0) {  // suffix-range: the last N bytes
        const std::optional<std::uint64_t> suffix = parse_decimal(spec.substr(1));
        if (!suffix) {
            return {};
        }
        if (*suffix == 0 || length == 0) {
            return {.valid = true, .range = std::nullopt};
        }
        const std::uint64_t first = *suffix >= length ? 0 : length - *suffix;
        return {.valid = true, .range = ByteRange{first, length - 1}};
    }
    const std::optional<std::uint64_t> first = parse_decimal(spec.substr(0, dash));
    if (!first) {
        return {};
    }
    std::uint64_t last = UINT64_MAX;  // "500-": to the end
    if (dash + 1 < spec.size()) {
        const std::optional<std::uint64_t> given = parse_decimal(spec.substr(dash + 1));
        if (!given || *given < *first) {
            return {};
        }
        last = *given;
    }
    if (*first >= length) {
        return {.valid = true, .range = std::nullopt};
    }
    return {.valid = true, .range = ByteRange{*first, std::min(last, length - 1)}};
}

// Sorts and merges ranges that overlap or touch. Touching ones merge too: two parts
// would cost a part header to say what one part says.
void coalesce(std::vector<ByteRange>& ranges) {
    std::sort(ranges.begin(), ranges.end(),
              [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
    std::size_t kept = 0;
    for (std::size_t i = 1; i < ranges.size(); ++i) {
        ByteRange& current = ranges[kept];
        // last < length <= 2^64-1, so last + 1 cannot wrap.
        if (ranges[i].first <= current.last + 1) {
            current.last = std::max(current.last, ranges[i].last);
        } else {
            ranges[++kept] = ranges[i];
        }
    }
    ranges.resize(kept + 1);
}

}  // namespace

RangeRequest parse_range(std::optional<std::string_view> value, std::uint64_t length,
                         std::size_t max_ranges) {
    if (!value) {
        return {};
    }
    const std::string_view field = trim_ows(*value);
    const std::size_t equals = field.find('=');
    if (equals == std::string_view::npos || !util::iequals(field.substr(0, equals), "bytes")) {
        return {};
    }
    RangeRequest out;
    std::size_t count = 0;
    bool valid = true;
    bool too_many = false;
    for_each_list_element(field.substr(equals + 1), [&](std::string_view element) {
        if (!valid || too_many || element.empty()) {
            return;
        }
        if (++count > max_ranges) {
            too_many = true;
            return;
        }
        const Spec spec = read_spec(element, length);
        if (!spec.valid) {
            valid = false;
        } else if (spec.range) {
            out.ranges.push_back(*spec.range);
        }
    });
    if (too_many) {
        return {.verdict = RangeVerdict::too_many, .ranges = {}};
    }
    if (!valid || count == 0) {  // "bytes=" alone: range-set needs one element
        return {};
    }
    if (out.ranges.empty()) {
        out.verdict = RangeVerdict::unsatisfiable;
        return out;
    }
    coalesce(out.ranges);
    out.verdict = RangeVerdict::satisfiable;
    return out;
}

std::string format_content_range(ByteRange range, std::uint64_t length) {
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
           std::to_string(length);
}

std::string format_unsatisfied_range(std::uint64_t length) {
    return "bytes */" + std::to_string(length);
}

}  // namespace ringwall::files
