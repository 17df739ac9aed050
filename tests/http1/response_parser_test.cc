// tests/http1/response_parser_test.cc: ResponseParser framing and strictness, every input
// whole and split.
#include "http1/response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "http1/expect_splits.h"

namespace ringwall::http1 {
namespace {

using namespace std::literals;
using testing::Outcome;
using testing::OwnedField;
using testing::Rejection;
using testing::response_outcome;

TEST(ResponseParser, ParsesContentLengthResponse) {
    const Outcome out = response_outcome("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello");
    EXPECT_EQ(out.progress, Progress::message_done);
    ASSERT_EQ(out.messages.size(), 1u);
    const testing::Message& m = out.messages[0];
    EXPECT_EQ(m.status, 200);
    EXPECT_EQ(m.reason, "OK");
    EXPECT_EQ(m.version, Version::http11);
    EXPECT_EQ(m.framing, BodyFraming::content_length);
    EXPECT_EQ(m.content_length, 5u);
    EXPECT_EQ(m.body, "hello");
    EXPECT_TRUE(m.keep_alive);
    const std::vector<OwnedField> fields = {{"Content-Length", "5"}, {"Server", "x"}};
    EXPECT_EQ(m.fields, fields);
}

TEST(ResponseParser, ParsesChunkedResponseWithTrailers) {
    const Outcome out = response_outcome(
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nX-T: 1\r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(out.messages[0].reason, "Not Found");
    EXPECT_EQ(out.messages[0].framing, BodyFraming::chunked);
    EXPECT_EQ(out.messages[0].body, "abc");
    EXPECT_EQ(out.messages[0].trailers, (std::vector<OwnedField>{{"X-T", "1"}}));
}

TEST(ResponseParser, ReadsUntilCloseWithoutFraming) {
    const Outcome out = response_outcome("HTTP/1.1 200 OK\r\nServer: old\r\n\r\nsome body bytes");
    EXPECT_EQ(out.progress, Progress::need_more);
    EXPECT_EQ(out.eof, Progress::message_done);  // finish() ends the body cleanly
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(out.messages[0].framing, BodyFraming::until_close);
    EXPECT_EQ(out.messages[0].body, "some body bytes");
    EXPECT_TRUE(out.messages[0].complete);
    EXPECT_FALSE(out.messages[0].keep_alive);
}

TEST(ResponseParser, KnowsWhichResponsesHaveNoBody) {
    const Outcome out = response_outcome(
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: \"x\"\r\n\r\n"
        "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
    ASSERT_EQ(out.messages.size(), 4u);
    EXPECT_EQ(out.messages[0].framing, BodyFraming::none);
    EXPECT_EQ(out.messages[1].framing, BodyFraming::none);
    EXPECT_EQ(out.messages[2].framing, BodyFraming::none);
    EXPECT_EQ(out.messages[3].body, "ok");
}

TEST(ResponseParser, ResponseToHeadHasNoBody) {
    const Outcome out = response_outcome(
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        Limits{}, true);
    EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
    ASSERT_EQ(out.messages.size(), 2u);
    EXPECT_EQ(out.messages[0].framing, BodyFraming::none);
    EXPECT_EQ(out.messages[0].body, "");
    // reset() after a final response clears the HEAD expectation.
    EXPECT_EQ(out.messages[1].framing, BodyFraming::content_length);
    EXPECT_EQ(out.messages[1].body, "x");
}

TEST(ResponseParser, ReturnsInterimResponsesAsMessagesOfTheirOwn) {
    const Outcome out = response_outcome(
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody",
        Limits{}, true);
    ASSERT_EQ(out.messages.size(), 3u) << testing::describe(out);
    EXPECT_EQ(out.messages[0].status, 100);
    EXPECT_EQ(out.messages[1].status, 103);
    EXPECT_EQ(out.messages[2].status, 200);
    // The HEAD expectation survives interim responses: the final one still answers HEAD.
    EXPECT_EQ(out.messages[2].framing, BodyFraming::none);
    // So "body" is the start of a next status line, and a truncated one at the end.
    EXPECT_EQ(out.progress, Progress::need_more);
    EXPECT_EQ(out.eof_error.reason, Reason::truncated);
}

TEST(ResponseParser, KeepsTheHeadExpectationOnlyAcrossInterimResponses) {
    ResponseParser parser{Limits{}};
    parser.expect_response_to_head(true);
    ASSERT_EQ(parser.feed("HTTP/1.1 100 Continue\r\n\r\n").progress, Progress::head_done);
    parser.reset();  // even before message_done: a 1xx is complete with its head
    ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n").progress, Progress::head_done);
    EXPECT_EQ(parser.head().framing, BodyFraming::none);
    ASSERT_EQ(parser.feed({}).progress, Progress::message_done);
    parser.reset();
    ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n").progress, Progress::head_done);
    EXPECT_EQ(parser.head().framing, BodyFraming::content_length);
}

TEST(ResponseParser, StopsAfterSwitchingProtocols) {
    ResponseParser parser{Limits{}};
    std::string_view input = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello";
    Step step = parser.feed(input);
    ASSERT_EQ(step.progress, Progress::head_done);
    input.remove_prefix(step.consumed);
    step = parser.feed(input);
    EXPECT_EQ(step.progress, Progress::message_done);
    EXPECT_EQ(step.consumed, 0u);
    EXPECT_EQ(input, "\x81\x05hello");
}

TEST(ResponseParser, AcceptsStatusLineVariants) {
    struct Case {
        std::string_view line;
        std::uint16_t status;
        std::string_view reason;
    };
    const Case cases[] = {
        {"HTTP/1.1 200 OK\r\n", 200, "OK"},
        {"HTTP/1.1 200 \r\n", 200, ""},
        {"HTTP/1.1 200\r\n", 200, ""},
        {"HTTP/1.1 599 Whatever\tyou  like \xe9\r\n", 599, "Whatever\tyou  like \xe9"},
        {"HTTP/1.0 404 Not Found\r\n", 404, "Not Found"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.line);
        const Outcome out = response_outcome(std::string(c.line) + "Content-Length: 0\r\n\r\n");
        ASSERT_EQ(out.progress, Progress::message_done) << testing::describe(out);
        EXPECT_EQ(out.messages.at(0).status, c.status);
        EXPECT_EQ(out.messages.at(0).reason, c.reason);
    }
}

TEST(ResponseParser, DecidesKeepAlive) {
    EXPECT_FALSE(response_outcome("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").messages.at(0).keep_alive);
    EXPECT_TRUE(response_outcome("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")
                    .messages.at(0)
                    .keep_alive);
    EXPECT_FALSE(response_outcome("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                     .messages.at(0)
                     .keep_alive);
}

TEST(ResponseParser, RejectsAmbiguousOrMalformedResponses) {
    const Rejection cases[] = {
        {"TE with CL", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 502,
         Reason::te_with_content_length},
        {"CL with TE", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 502,
         Reason::te_with_content_length},
        {"TE in 1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 502, Reason::te_in_http10},
        {"gzip coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 502,
         Reason::unknown_transfer_coding},
        {"chunked not final", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 502,
         Reason::chunked_not_final},
        {"chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 502,
         Reason::chunked_twice},
        {"differing CL", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 502,
         Reason::duplicate_content_length},
        {"bad CL", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 502, Reason::invalid_content_length},
        {"204 with TE", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", 502,
         Reason::invalid_response_framing},
        {"204 with CL", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 502,
         Reason::invalid_response_framing},
        {"100 with CL", "HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n", 502,
         Reason::invalid_response_framing},
        {"lowercase version", "http/1.1 200 OK\r\n\r\n", 502, Reason::invalid_version},
        {"HTTP/2", "HTTP/2 200 OK\r\n\r\n", 502, Reason::invalid_version},
        {"HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", 502, Reason::invalid_version},
        {"status 99", "HTTP/1.1 099 Low\r\n\r\n", 502, Reason::invalid_status_line},
        {"status 600", "HTTP/1.1 600 High\r\n\r\n", 502, Reason::invalid_status_line},
        {"two digits", "HTTP/1.1 20 OK\r\n\r\n", 502, Reason::invalid_status_line},
        {"four digits", "HTTP/1.1 2000 OK\r\n\r\n", 502, Reason::invalid_status_line},
        {"double space", "HTTP/1.1  200 OK\r\n\r\n", 502, Reason::invalid_status_line},
        {"no space", "HTTP/1.1200 OK\r\n\r\n", 502, Reason::invalid_status_line},
        {"NUL in reason", "HTTP/1.1 200 O\0K\r\n\r\n"sv, 502, Reason::invalid_status_line},
        {"bare CR in reason", "HTTP/1.1 200 O\rK\r\n\r\n", 502, Reason::bare_cr},
        {"bare LF status line", "HTTP/1.1 200 OK\n\r\n", 502, Reason::bare_lf},
        {"empty status line", "\r\nHTTP/1.1 200 OK\r\n\r\n", 502, Reason::invalid_version},
        {"obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", 502, Reason::obs_fold},
        {"space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", 502,
         Reason::space_before_colon},
        {"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\nx\r\n0\r\n\r\n", 502,
         Reason::invalid_chunk_size},
    };
    for (const Rejection& c : cases) {
        SCOPED_TRACE(c.name);
        const Outcome out = response_outcome(c.input);
        EXPECT_EQ(out.progress, Progress::failed) << testing::describe(out);
        EXPECT_EQ(out.error.status, c.status);
        EXPECT_EQ(out.error.reason, c.reason);
    }
}

TEST(ResponseParser, StatusLineUsesTheRequestLineLimit) {
    const Limits small = Limits::small();
    const Outcome out = response_outcome("HTTP/1.1 200 " + std::string(100, 'r') + "\r\n\r\n", small);
    EXPECT_EQ(out.progress, Progress::failed);
    EXPECT_EQ(out.error.reason, Reason::invalid_status_line);
}

TEST(ResponseParser, IgnoresTheBodyLimit) {
    const Limits small = Limits::small();
    const std::string body(1000, 'b');
    const Outcome out = response_outcome("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + body, small);
    EXPECT_EQ(out.progress, Progress::message_done);
    EXPECT_EQ(out.messages.at(0).body, body);
}

TEST(ResponseParser, FinishReportsTruncation) {
    EXPECT_EQ(response_outcome("").eof, Progress::need_more);
    for (std::string_view input : {"HTTP/1.1 200"sv, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc"sv,
                                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"sv}) {
        SCOPED_TRACE(input);
        const Outcome out = response_outcome(input);
        EXPECT_EQ(out.eof, Progress::failed);
        EXPECT_EQ(out.eof_error.reason, Reason::truncated);
        EXPECT_EQ(out.eof_error.status, 502);
        EXPECT_EQ(out.eof_error.offset, input.size());
    }
}

TEST(ResponseParser, ParsesNothingAfterAnError) {
    ResponseParser parser{Limits{}};
    EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\nA\r\n\r\n").progress, Progress::failed);
    const ParseError error = parser.error();
    EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\n\r\n").progress, Progress::failed);
    EXPECT_EQ(parser.finish().progress, Progress::failed);
    EXPECT_EQ(parser.error(), error);
}

}  // namespace
}  // namespace ringwall::http1
