// tests/http1/chunked_decoder_test.cc: ChunkedDecoder alone, every input whole and split.
#include "http1/chunked_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "http1/expect_splits.h"

namespace ringwall::http1 {
namespace {

using namespace std::literals;
using testing::decoder_outcome;
using testing::Outcome;
using testing::OwnedField;
using testing::Rejection;

TEST(ChunkedDecoder, DecodesChunksAndStopsAtTheFinalCrlf) {
    const Outcome out = decoder_outcome("4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\nNEXT");
    EXPECT_EQ(out.progress, Progress::message_done);
    EXPECT_EQ(out.messages.at(0).body, "Wikipedia in\r\n\r\nchunks.");
    EXPECT_TRUE(out.messages.at(0).trailers.empty());
    EXPECT_EQ(out.leftover, "NEXT");
}

TEST(ChunkedDecoder, AcceptsHexInBothCasesAndLeadingZeros) {
    const std::string data(0xab, 'x');
    const Outcome out = decoder_outcome("0000000000000aB\r\n" + data + "\r\n00\r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
    EXPECT_EQ(out.messages.at(0).body, data);
}

TEST(ChunkedDecoder, AcceptsExtensions) {
    for (std::string_view line : {"1;a\r\n"sv, "1;a=b\r\n"sv, "1;a=\"\"\r\n"sv, "1 ;a\r\n"sv, "1\t; a\r\n"sv,
                                  "1;a ;b\r\n"sv, "1;a = b\r\n"sv, "1;a=\"x;y=z\\\"\\\\\"\r\n"sv,
                                  "1;a=\"tab\tand obs \xff\"\r\n"sv, "1;a=b;c;d=\"e\" ; f\r\n"sv}) {
        SCOPED_TRACE(line);
        const Outcome out = decoder_outcome(std::string(line) + "z\r\n0;last\r\n\r\n");
        EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
        EXPECT_EQ(out.messages.at(0).body, "z");
    }
}

TEST(ChunkedDecoder, KeepsTrailers) {
    const Outcome out = decoder_outcome("0\r\nExpires: never\r\nX-Sum:\tab \r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    const std::vector<OwnedField> trailers = {{"Expires", "never"}, {"X-Sum", "ab"}};
    EXPECT_EQ(out.messages.at(0).trailers, trailers);
}

TEST(ChunkedDecoder, WaitsForMoreInput) {
    for (std::string_view partial : {""sv, "5"sv, "5\r"sv, "5\r\nhel"sv, "5\r\nhello"sv, "5\r\nhello\r"sv,
                                     "0\r\n"sv, "0\r\nX: y\r\n"sv, "0\r\n\r"sv, "1;a=\"b"sv}) {
        SCOPED_TRACE(partial);
        EXPECT_EQ(decoder_outcome(partial).progress, Progress::need_more);
    }
}

TEST(ChunkedDecoder, RejectsBadFraming) {
    const Rejection cases[] = {
        {"empty line for size", "\r\n", 400, Reason::invalid_chunk_size},
        {"space before size", " 1\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"space after size", "1 \r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"tab after size", "1\t\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"0x", "0x1\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"minus", "-1\r\n", 400, Reason::invalid_chunk_size},
        {"17 hex digits", "1ffffffffffffffff\r\n", 400, Reason::invalid_chunk_size},
        {"many zeros", "00000000000000000\r\n", 400, Reason::invalid_chunk_size},
        {"comma", "1,1\r\nx\r\n", 400, Reason::invalid_chunk_size},
        {"LF after size", "1\nx\r\n0\r\n\r\n", 400, Reason::bare_lf},
        {"LF alone", "\n", 400, Reason::bare_lf},
        {"CR without LF", "1\rx\r\n", 400, Reason::bare_cr},
        {"no CRLF after data", "1\r\nxy\r\n0\r\n\r\n", 400, Reason::missing_chunk_crlf},
        {"LF after data", "1\r\nx\n0\r\n\r\n", 400, Reason::missing_chunk_crlf},
        {"CR then junk after data", "1\r\nx\rz", 400, Reason::missing_chunk_crlf},
        {"semicolon only", "1;\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"double semicolon", "1;;a\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"name with slash", "1;a/b\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"equals without value", "1;a=\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"value then junk", "1;a=b c\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"trailing whitespace", "1;a=b \r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"unterminated quote", "1;a=\"b\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"text after quote", "1;a=\"b\"c\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"CTL in quote", "1;a=\"\x01\"\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"escaped CTL", "1;a=\"\\\x01\"\r\nx\r\n", 400, Reason::invalid_chunk_extension},
        {"bare LF in extension", "1;a\nx\r\n", 400, Reason::bare_lf},
        {"obs-fold trailer", "0\r\nA: b\r\n c\r\n\r\n", 400, Reason::obs_fold},
        {"trailer without colon", "0\r\nAb\r\n\r\n", 400, Reason::invalid_field_name},
        {"trailer bare CR", "0\r\nA: b\rc\r\n\r\n", 400, Reason::bare_cr},
        {"trailer bare LF end", "0\r\nA: b\n\n", 400, Reason::bare_lf},
        {"trailer Content-Length", "0\r\ncontent-length: 1\r\n\r\n", 400, Reason::invalid_trailer},
        {"trailer Transfer-Encoding", "0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, Reason::invalid_trailer},
    };
    for (const Rejection& c : cases) {
        SCOPED_TRACE(c.name);
        const Outcome out = decoder_outcome(c.input);
        EXPECT_EQ(out.progress, Progress::failed) << testing::describe(out);
        EXPECT_EQ(out.error.status, c.status);
        EXPECT_EQ(out.error.reason, c.reason);
    }
}

TEST(ChunkedDecoder, EnforcesLimits) {
    const Limits small = Limits::small();  // body 256, extension 16, field 64, header 256, 8 fields
    EXPECT_EQ(decoder_outcome("100\r\n" + std::string(256, 'x') + "\r\n0\r\n\r\n", small).progress,
              Progress::message_done);
    const Outcome big = decoder_outcome("101\r\n", small);
    EXPECT_EQ(big.error.status, 413);
    EXPECT_EQ(big.error.reason, Reason::body_too_large);
    EXPECT_EQ(big.error.offset, 3u);
    const Outcome sum = decoder_outcome("80\r\n" + std::string(128, 'x') + "\r\n81\r\n", small);
    EXPECT_EQ(sum.error.reason, Reason::body_too_large);
    EXPECT_EQ(sum.messages.at(0).body.size(), 128u);

    std::string trailers = "0\r\n";
    for (char name = 'A'; name < 'A' + 8; ++name) {
        trailers += std::string(1, name) + ": v\r\n";
    }
    EXPECT_EQ(decoder_outcome(trailers + "\r\n", small).progress, Progress::message_done);
    const Outcome many = decoder_outcome(trailers + "I: v\r\n\r\n", small);
    EXPECT_EQ(many.error.status, 431);
    EXPECT_EQ(many.error.reason, Reason::too_many_fields);
    const Outcome wide = decoder_outcome("0\r\nA: " + std::string(62, 'v') + "\r\n\r\n", small);
    EXPECT_EQ(wide.error.reason, Reason::field_too_long);
}

TEST(ChunkedDecoder, ResetWithBudgetLimitsTrailers) {
    ChunkedDecoder decoder{Limits{}};
    decoder.reset(10, 1);
    Step step = decoder.feed("0\r\nA: 123456\r\n\r\n");  // 11 bytes with CRLF: over 10
    EXPECT_EQ(step.progress, Progress::failed);
    EXPECT_EQ(decoder.error().reason, Reason::header_too_large);
    decoder.reset(11, 1);
    step = decoder.feed("0\r\nA: 123456\r\n\r\n");
    EXPECT_EQ(step.progress, Progress::message_done);
    EXPECT_EQ(decoder.trailers().at(0).value, "123456");
    decoder.reset();
    EXPECT_TRUE(decoder.trailers().empty());
    EXPECT_FALSE(decoder.has_started());
}

TEST(ChunkedDecoder, BodyPointsIntoTheInputAndStaysFailed) {
    ChunkedDecoder decoder{Limits{}};
    const std::string_view input = "3\r\nabc\r\nq";
    Step step = decoder.feed(input);
    ASSERT_EQ(step.progress, Progress::body_data);
    EXPECT_EQ(step.body.data(), input.data() + 3);
    EXPECT_EQ(step.consumed, 6u);
    step = decoder.feed(input.substr(6));
    EXPECT_EQ(step.progress, Progress::failed);
    const ParseError error = decoder.error();
    EXPECT_EQ(error.reason, Reason::invalid_chunk_size);
    EXPECT_EQ(error.offset, 8u);
    EXPECT_EQ(decoder.feed("0\r\n\r\n").progress, Progress::failed);
    EXPECT_EQ(decoder.error(), error);
}

TEST(ChunkedDecoder, RepeatsMessageDoneWithoutConsuming) {
    ChunkedDecoder decoder{Limits{}};
    Step step = decoder.feed("0\r\n\r\nrest");
    EXPECT_EQ(step.progress, Progress::message_done);
    EXPECT_EQ(step.consumed, 5u);
    step = decoder.feed("rest");
    EXPECT_EQ(step.progress, Progress::message_done);
    EXPECT_EQ(step.consumed, 0u);
    EXPECT_TRUE(decoder.is_done());
}

}  // namespace
}  // namespace ringwall::http1

namespace ringwall::http1 {
namespace {

// Fuzz regression (chunked_decoder_fuzz, corpus regress-size-then-nul-zero-ext-limit): a
// byte after the size that cannot begin an extension is a size error even when no
// extension byte is allowed at all; ';' or BWS there is an extension byte and is counted.
TEST(ChunkedDecoder, JudgesTheByteAfterTheSizeBeforeTheExtensionLimit) {
    Limits limits;
    limits.max_chunk_extension = 0;
    const testing::Outcome nul = testing::decoder_outcome("0\0\r\n\r\n"sv, limits);
    EXPECT_EQ(nul.error.reason, Reason::invalid_chunk_size);
    EXPECT_EQ(nul.error.offset, 1u);
    EXPECT_EQ(testing::decoder_outcome("0;\r\n\r\n", limits).error.reason, Reason::invalid_chunk_extension);
    EXPECT_EQ(testing::decoder_outcome("0 \r\n\r\n", limits).error.reason, Reason::invalid_chunk_extension);
    EXPECT_EQ(testing::decoder_outcome("0\r\n\r\n", limits).progress, Progress::message_done);
}

}  // namespace
}  // namespace ringwall::http1
