// tests/http1/request_limits_test.cc: RequestParser size and count limits (414, 431, 413),
// each exercised right at the limit and one byte past it.
#include <gtest/gtest.h>

#include <string>

#include "http1/expect_splits.h"
#include "http1/request_parser.h"

namespace ringwall::http1 {
namespace {

using testing::Outcome;
using testing::request_outcome;

// Limits::small(): request line 64, field line 64, header 256, 8 fields, body 256, ext 16.
const Limits small = Limits::small();

std::string request_line_of(std::size_t size) {
    const std::string fixed = "GET / HTTP/1.1";
    return "GET /" + std::string(size - fixed.size(), 'a') + " HTTP/1.1\r\n";
}

std::string field_line_of(std::size_t size, char name = 'X') {
    return std::string(1, name) + ": " + std::string(size - 3, 'v') + "\r\n";
}

void expect_failure(const Outcome& out, std::uint16_t status, Reason reason) {
    EXPECT_EQ(out.progress, Progress::failed) << testing::describe(out);
    EXPECT_EQ(out.error.status, status);
    EXPECT_EQ(out.error.reason, reason);
}

TEST(RequestParser, RequestLineLimitIs414) {
    const Outcome at = request_outcome(request_line_of(64) + "Host: a\r\n\r\n", small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    expect_failure(request_outcome(request_line_of(65) + "Host: a\r\n\r\n", small), 414,
                   Reason::request_line_too_long);
    // Detected before the line ends: we do not buffer an endless line.
    expect_failure(request_outcome("GET /" + std::string(100, 'a'), small), 414,
                   Reason::request_line_too_long);
}

TEST(RequestParser, FieldLineLimitIs431) {
    const Outcome at = request_outcome("GET / HTTP/1.1\r\nHost: a\r\n" + field_line_of(64) + "\r\n", small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    expect_failure(request_outcome("GET / HTTP/1.1\r\nHost: a\r\n" + field_line_of(65) + "\r\n", small), 431,
                   Reason::field_too_long);
    expect_failure(request_outcome("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(200, 'v'), small), 431,
                   Reason::field_too_long);
}

TEST(RequestParser, HeaderSizeLimitIs431) {
    // 9 bytes of Host, then 62-byte lines: 9 + 3 * 62 = 195, + 61 = 256 exactly.
    std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (char name : {'A', 'B', 'C'}) {
        head += field_line_of(60, name);
    }
    const Outcome at = request_outcome(head + field_line_of(59, 'D') + "\r\n", small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    expect_failure(request_outcome(head + field_line_of(60, 'D') + "\r\n", small), 431,
                   Reason::header_too_large);
}

TEST(RequestParser, FieldCountLimitIs431) {
    std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (char name = 'A'; name < 'A' + 7; ++name) {
        head += std::string(1, name) + ": v\r\n";
    }
    const Outcome at = request_outcome(head + "\r\n", small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    expect_failure(request_outcome(head + "Z: v\r\n\r\n", small), 431, Reason::too_many_fields);
}

TEST(RequestParser, ContentLengthOverTheLimitIs413AtHeadTime) {
    const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n";
    const Outcome at = request_outcome(head + "Content-Length: 256\r\n\r\n" + std::string(256, 'b'), small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    // No body byte has to arrive: a client waiting for 100 Continue gets 413 at once.
    expect_failure(request_outcome(head + "Content-Length: 257\r\n\r\n", small), 413, Reason::body_too_large);
}

TEST(RequestParser, ChunkedBodyOverTheLimitIs413WhenItHappens) {
    const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string data(128, 'd');
    const std::string two = "80\r\n" + data + "\r\n80\r\n" + data + "\r\n";
    const Outcome at = request_outcome(head + two + "0\r\n\r\n", small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    EXPECT_EQ(at.messages.at(0).body.size(), 256u);
    const Outcome over = request_outcome(head + two + "1\r\nx\r\n0\r\n\r\n", small);
    expect_failure(over, 413, Reason::body_too_large);
    EXPECT_EQ(over.error.offset, head.size() + two.size() + 1);
    expect_failure(request_outcome(head + "101\r\n", small), 413, Reason::body_too_large);
}

TEST(RequestParser, ChunkExtensionLimitIs400) {
    const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    // ";" + 15 name bytes = 16 extension bytes: at the limit.
    const Outcome at = request_outcome(head + "1;" + std::string(15, 'e') + "\r\nx\r\n0\r\n\r\n", small);
    EXPECT_EQ(at.progress, Progress::message_done) << testing::describe(at);
    expect_failure(request_outcome(head + "1;" + std::string(16, 'e') + "\r\nx\r\n0\r\n\r\n", small), 400,
                   Reason::invalid_chunk_extension);
    expect_failure(request_outcome(head + "1;" + std::string(1100, 'e') + "\r\nx\r\n0\r\n\r\n"), 400,
                   Reason::invalid_chunk_extension);
}

TEST(RequestParser, TrailersCountAgainstTheHeaderLimits) {
    std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n";
    for (char name = 'A'; name < 'A' + 5; ++name) {
        head += std::string(1, name) + ": v\r\n";
    }
    head += "\r\n";  // 7 fields in the head, one left for the trailers
    const Outcome one = request_outcome(head + "0\r\nT: 1\r\n\r\n", small);
    EXPECT_EQ(one.progress, Progress::message_done) << testing::describe(one);
    EXPECT_EQ(one.messages.at(0).trailers.size(), 1u);
    expect_failure(request_outcome(head + "0\r\nT: 1\r\nU: 2\r\n\r\n", small), 431, Reason::too_many_fields);

    // Head field bytes: 9 + 28 = 37, so 219 bytes are left for trailer lines.
    const std::string big_head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string trailers;
    for (char name : {'A', 'B', 'C'}) {
        trailers += field_line_of(62, name);  // 64 bytes each: 192
    }
    const Outcome fits = request_outcome(big_head + "0\r\n" + trailers + field_line_of(25, 'D') + "\r\n", small);
    EXPECT_EQ(fits.progress, Progress::message_done) << testing::describe(fits);
    expect_failure(request_outcome(big_head + "0\r\n" + trailers + field_line_of(26, 'D') + "\r\n", small), 431,
                   Reason::header_too_large);
}

TEST(RequestParser, DefaultLimitsAcceptLargeHeads) {
    std::string head = "GET /" + std::string(8000, 'p') + " HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 40; ++i) {
        head += "X-Field-" + std::to_string(i) + ": " + std::string(700, 'v') + "\r\n";
    }
    RequestParser parser{Limits{}};
    const Step step = parser.feed(head + "\r\n");
    ASSERT_EQ(step.progress, Progress::head_done) << to_string(parser.error().reason);
    EXPECT_EQ(parser.head().fields.size(), 41u);
    EXPECT_EQ(parser.head().fields.back().value, std::string(700, 'v'));
}

}  // namespace
}  // namespace ringwall::http1
