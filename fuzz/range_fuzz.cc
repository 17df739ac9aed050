// fuzz/range_fuzz.cc: parse_range against a reference that splits and converts with the
// standard library, the shape of what it returns (within the length, sorted, apart,
// capped), a round trip through "bytes=..." and the multipart length formula against
// the pieces it describes.
//
// Input layout: 8 bytes of length (little-endian), 1 byte that reshapes the length, 1 byte
// for max_ranges, 1 byte of multipart seed and content-type choice, then the field value.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/multipart.h"
#include "files/range.h"
#include "property.h"

namespace ringwall::fuzzing {
namespace {

using files::ByteRange;
using files::RangeVerdict;

constexpr std::size_t control_size = 11;

std::uint64_t pick_length(const std::uint8_t* data) {
    std::uint64_t raw = 0;
    for (int i = 7; i >= 0; --i) {
        raw = raw << 8 | data[i];
    }
    switch (data[8] % 5) {
        case 0:
            return raw % 100;  // small: most specs land inside and outside
        case 1:
            return raw % 100000;
        case 2:
            return (raw % (1ULL << 36)) | (1ULL << 32);  // past 4 GiB
        case 3:
            return UINT64_MAX - raw % 4;
        default:
            return raw;
    }
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::optional<std::uint64_t> number(std::string_view s) {
    if (s.empty() || s[0] < '0' || s[0] > '9') {  // from_chars would not take a sign anyway
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (error != std::errc() || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

struct Reference {
    RangeVerdict verdict = RangeVerdict::none;
    std::vector<ByteRange> clipped;  // satisfiable specs, clipped, in request order
};

Reference reference_parse(std::string_view value, std::uint64_t length, std::size_t max_ranges) {
    value = trim(value);
    if (value.size() < 6) {
        return {};
    }
    std::string unit(value.substr(0, 6));
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    if (unit != "bytes=") {
        return {};
    }
    std::vector<std::string_view> parts;
    std::string_view rest = value.substr(6);
    std::size_t comma;
    while ((comma = rest.find(',')) != std::string_view::npos) {
        parts.push_back(rest.substr(0, comma));
        rest.remove_prefix(comma + 1);
    }
    parts.push_back(rest);

    Reference out;
    std::size_t count = 0;
    for (std::string_view part : parts) {
        part = trim(part);
        if (part.empty()) {
            continue;
        }
        if (++count > max_ranges) {
            return {.verdict = RangeVerdict::too_many, .clipped = {}};
        }
        const std::size_t dash = part.find('-');
        if (dash == std::string_view::npos) {
            return {};
        }
        const std::string_view left = part.substr(0, dash);
        const std::string_view right = part.substr(dash + 1);
        if (left.empty()) {
            const std::optional<std::uint64_t> suffix = number(right);
            if (!suffix) {
                return {};
            }
            if (*suffix > 0 && length > 0) {
                out.clipped.push_back({length - std::min(*suffix, length), length - 1});
            }
            continue;
        }
        const std::optional<std::uint64_t> first = number(left);
        const std::optional<std::uint64_t> last =
            right.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : number(right);
        if (!first || !last || *last < *first) {
            return {};
        }
        if (*first < length) {
            out.clipped.push_back({*first, std::min(*last, length - 1)});
        }
    }
    if (count == 0) {
        return {};
    }
    out.verdict = out.clipped.empty() ? RangeVerdict::unsatisfiable : RangeVerdict::satisfiable;
    return out;
}

bool covered(std::uint64_t point, const std::vector<ByteRange>& ranges) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [point](const ByteRange& r) { return r.first <= point && point <= r.last; });
}

void check_ranges(std::string_view input, const std::vector<ByteRange>& ranges,
                  std::uint64_t length, std::size_t max_ranges,
                  const std::vector<ByteRange>& requested) {
    check(!ranges.empty(), "satisfiable without ranges", input);
    check(ranges.size() <= max_ranges, "more ranges than the cap", input);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        check(ranges[i].first <= ranges[i].last, "a range with first > last", input);
        check(ranges[i].last < length, "a range past the length", input);
        if (i > 0) {
            // Sorted, and apart by at least one byte: overlapping or touching ones merge.
            check(ranges[i].first > ranges[i - 1].last + 1,
                  "ranges unsorted, overlapping or touching", input);
        }
        total += ranges[i].size();
    }
    check(total <= length, "ranges cover more than the representation", input);
    // The result is exactly the union of what was asked: every requested byte is in it, and
    // every range starts on a requested byte and has no hole where a request ends.
    for (const ByteRange& r : requested) {
        check(covered(r.first, ranges) && covered(r.last, ranges),
              "a requested range is not served", input);
        const bool inside = std::any_of(ranges.begin(), ranges.end(), [&r](const ByteRange& out) {
            return out.first <= r.first && r.last <= out.last;
        });
        check(inside, "a requested range is split across parts", input);
    }
    for (const ByteRange& out : ranges) {
        check(covered(out.first, requested), "a range starts on a byte nobody asked for", input);
        for (const ByteRange& r : requested) {
            if (r.last >= out.first && r.last < out.last) {
                check(covered(r.last + 1, requested), "a range bridges a gap nobody asked for",
                      input);
            }
        }
    }
}

void check_round_trip(std::string_view input, const std::vector<ByteRange>& ranges,
                      std::uint64_t length) {
    std::string field = "bytes=";
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        field += (i > 0 ? ", " : "") + std::to_string(ranges[i].first) + "-" +
                 std::to_string(ranges[i].last);
    }
    const files::RangeRequest again = files::parse_range(field, length, ranges.size());
    check(again.verdict == RangeVerdict::satisfiable && again.ranges == ranges,
          "re-parsing the written ranges changes them", input, field);
}

void check_multipart(std::string_view input, const std::vector<ByteRange>& ranges,
                     std::uint64_t length, std::uint8_t choice) {
    const std::string_view type = (choice & 1) ? "text/html; charset=utf-8" : "";
    const files::MultipartByteranges framing(files::make_boundary(choice), type, length, ranges);
    check(framing.part_count() == ranges.size(), "part count differs from the ranges", input);
    std::uint64_t built = framing.closing().size();
    for (std::size_t i = 0; i < framing.part_count(); ++i) {
        const std::string head = framing.part_head(i);
        check(head.find(files::format_content_range(ranges[i], length)) != std::string::npos,
              "a part head without its Content-Range", input, head);
        built += head.size() + ranges[i].size();
    }
    check(framing.body_length() == built, "body_length differs from the built pieces", input);
}

}  // namespace
}  // namespace ringwall::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringwall;
    using fuzzing::check;
    if (size < fuzzing::control_size) {
        return 0;
    }
    const std::uint64_t length = fuzzing::pick_length(data);
    const std::size_t max_ranges = data[9] % 20;
    const std::string_view field(reinterpret_cast<const char*>(data) + fuzzing::control_size,
                                 size - fuzzing::control_size);
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const files::RangeRequest out = files::parse_range(field, length, max_ranges);
    const fuzzing::Reference reference = fuzzing::reference_parse(field, length, max_ranges);
    check(out.verdict == reference.verdict, "the parser and the reference disagree on the verdict",
          input);
    if (out.verdict != files::RangeVerdict::satisfiable) {
        check(out.ranges.empty(), "ranges with a verdict other than satisfiable", input);
        return 0;
    }
    check(length > 0, "satisfiable for a zero-length representation", input);
    fuzzing::check_ranges(input, out.ranges, length, max_ranges, reference.clipped);
    fuzzing::check_round_trip(input, out.ranges, length);
    fuzzing::check_multipart(input, out.ranges, length, data[10]);
    return 0;
}
