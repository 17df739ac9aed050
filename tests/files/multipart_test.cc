// tests/files/multipart_test.cc: multipart/byteranges pieces, byte for byte, and a
// Content-Length that matches what is built.
#include "files/multipart.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace ringwall::files {
namespace {

// The whole body with `fill` standing in for the file bytes of each range.
std::string build_body(const MultipartByteranges& framing, const std::vector<ByteRange>& ranges,
                       char fill = 'x') {
    std::string body;
    for (std::size_t i = 0; i < framing.part_count(); ++i) {
        body += framing.part_head(i);
        body += std::string(ranges[i].size(), fill);
    }
    body += framing.closing();
    return body;
}

TEST(Multipart, MakesLongHexBoundariesThatDifferPerSeed) {
    std::set<std::string> seen;
    for (std::uint64_t seed = 0; seed < 1000; ++seed) {
        const std::string boundary = make_boundary(seed);
        ASSERT_EQ(boundary.size(), 32u);
        EXPECT_EQ(boundary.find_first_not_of("0123456789abcdef"), std::string::npos);
        seen.insert(boundary);
    }
    EXPECT_EQ(seen.size(), 1000u);
    EXPECT_EQ(make_boundary(42), make_boundary(42));
    EXPECT_NE(make_boundary(0).substr(0, 16), make_boundary(0).substr(16));
}

TEST(Multipart, BuildsTheRfcExample) {
    // RFC 9110 §14.6, with our boundary and framing.
    const std::vector<ByteRange> ranges = {{500, 999}, {7000, 7999}};
    const MultipartByteranges framing("THIS_STRING_SEPARATES", "application/pdf", 8000, ranges);
    EXPECT_EQ(framing.content_type(), "multipart/byteranges; boundary=THIS_STRING_SEPARATES");
    ASSERT_EQ(framing.part_count(), 2u);
    EXPECT_EQ(framing.part_head(0),
              "--THIS_STRING_SEPARATES\r\n"
              "Content-Type: application/pdf\r\n"
              "Content-Range: bytes 500-999/8000\r\n"
              "\r\n");
    EXPECT_EQ(framing.part_head(1),
              "\r\n--THIS_STRING_SEPARATES\r\n"
              "Content-Type: application/pdf\r\n"
              "Content-Range: bytes 7000-7999/8000\r\n"
              "\r\n");
    EXPECT_EQ(framing.closing(), "\r\n--THIS_STRING_SEPARATES--\r\n");
    EXPECT_EQ(framing.body_length(), build_body(framing, ranges).size());
}

TEST(Multipart, OmitsContentTypeWhenTheRepresentationHasNone) {
    const std::vector<ByteRange> ranges = {{0, 0}};
    const MultipartByteranges framing("b", "", 1, ranges);
    EXPECT_EQ(framing.part_head(0), "--b\r\nContent-Range: bytes 0-0/1\r\n\r\n");
    EXPECT_EQ(framing.body_length(), build_body(framing, ranges).size());
}

TEST(Multipart, ComputesTheBodyLengthForManyShapes) {
    const std::vector<std::vector<ByteRange>> shapes = {
        {{0, 0}},
        {{0, 9}, {20, 29}},
        {{0, 0}, {2, 2}, {4, 4}, {6, 6}, {8, 8}, {10, 10}, {12, 12}, {14, 14}, {16, 16}, {18, 18}},
        {{9, 9}, {99, 99}, {999, 999}, {9999, 10000}},  // digit counts change at each power of ten
    };
    for (const auto& ranges : shapes) {
        for (std::uint64_t length : {10001ULL, 99999ULL, 100000ULL}) {
            for (std::string_view type : {"", "text/plain; charset=utf-8"}) {
                const MultipartByteranges framing(make_boundary(length), type, length, ranges);
                EXPECT_EQ(framing.body_length(), build_body(framing, ranges).size());
            }
        }
    }
}

TEST(Multipart, ComputesTheBodyLengthPastFourGib) {
    constexpr std::uint64_t length = 6ULL << 30;
    const std::vector<ByteRange> ranges = {{0, 99}, {5000000000, length - 1}};
    const MultipartByteranges framing("b", "video/mp4", length, ranges);
    std::uint64_t framing_bytes = 0;
    for (std::size_t i = 0; i < framing.part_count(); ++i) {
        framing_bytes += framing.part_head(i).size();
    }
    framing_bytes += framing.closing().size();
    EXPECT_EQ(framing.body_length(), framing_bytes + ranges[0].size() + ranges[1].size());
    EXPECT_EQ(framing.part_head(1),
              "\r\n--b\r\nContent-Type: video/mp4\r\n"
              "Content-Range: bytes 5000000000-6442450943/6442450944\r\n\r\n");
}

TEST(Multipart, FramesWhatParseRangeReturns) {
    const RangeRequest request = parse_range("bytes=0-0,-1,4-5", 10);
    ASSERT_EQ(request.verdict, RangeVerdict::satisfiable);
    const MultipartByteranges framing("sep", "text/plain", 10, request.ranges);
    EXPECT_EQ(build_body(framing, request.ranges, '.'),
              "--sep\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-0/10\r\n\r\n."
              "\r\n--sep\r\nContent-Type: text/plain\r\nContent-Range: bytes 4-5/10\r\n\r\n.."
              "\r\n--sep\r\nContent-Type: text/plain\r\nContent-Range: bytes 9-9/10\r\n\r\n."
              "\r\n--sep--\r\n");
}

}  // namespace
}  // namespace ringwall::files
