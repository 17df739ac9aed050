// tests/http1/request_parser_test.cc: RequestParser on valid requests, every input run whole
// and split at every byte boundary.
#include "http1/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "http1/expect_splits.h"

namespace ringwall::http1 {
namespace {

using namespace std::literals;
using testing::Message;
using testing::Outcome;
using testing::OwnedField;
using testing::request_outcome;

const Message& only_message(const Outcome& out) {
    EXPECT_EQ(out.messages.size(), 1u) << testing::describe(out);
    static const Message empty;
    return out.messages.empty() ? empty : out.messages.front();
}

TEST(RequestParser, ParsesSmallGet) {
    const Outcome out = request_outcome(
        "GET /index.html?a=1&b=2 HTTP/1.1\r\n"
        "Host: example.com\r\n"
        "User-Agent: test/1.0\r\n"
        "Accept: */*\r\n"
        "\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    EXPECT_EQ(out.eof, Progress::need_more);
    const Message& m = only_message(out);
    EXPECT_EQ(m.method, "GET");
    EXPECT_EQ(m.target, "/index.html?a=1&b=2");
    EXPECT_EQ(m.target_form, TargetForm::origin);
    EXPECT_EQ(m.path, "/index.html");
    EXPECT_EQ(m.query, "a=1&b=2");
    EXPECT_EQ(m.authority, "example.com");
    EXPECT_EQ(m.version, Version::http11);
    EXPECT_EQ(m.framing, BodyFraming::none);
    EXPECT_TRUE(m.keep_alive);
    EXPECT_FALSE(m.expects_continue);
    EXPECT_FALSE(m.is_upgrade);
    EXPECT_EQ(m.body, "");
    EXPECT_TRUE(m.complete);
    const std::vector<OwnedField> fields = {
        {"Host", "example.com"}, {"User-Agent", "test/1.0"}, {"Accept", "*/*"}};
    EXPECT_EQ(m.fields, fields);
}

TEST(RequestParser, TrimsOwsAroundValuesAndKeepsInnerWhitespace) {
    const Outcome out = request_outcome(
        "GET / HTTP/1.1\r\nHost:a\r\nX-A: \t two  words \t\r\nX-Empty:\r\nX-Sp:   \r\n"
        "X-Obs: caf\xc3\xa9\r\n\r\n");
    const Message& m = only_message(out);
    const std::vector<OwnedField> fields = {
        {"Host", "a"}, {"X-A", "two  words"}, {"X-Empty", ""}, {"X-Sp", ""}, {"X-Obs", "caf\xc3\xa9"}};
    EXPECT_EQ(m.fields, fields);
}

TEST(RequestParser, AcceptsEveryTokenCharacterInNamesAndMethods) {
    const Outcome out = request_outcome(
        "M-!#$%&'*+.^_`|~09az / HTTP/1.1\r\n"
        "Host: a\r\n!#$%&'*+-.^_`|~09AZaz: v\r\n\r\n");
    const Message& m = only_message(out);
    EXPECT_EQ(m.method, "M-!#$%&'*+.^_`|~09az");
    EXPECT_EQ(m.fields.at(1).name, "!#$%&'*+-.^_`|~09AZaz");
}

TEST(RequestParser, ParsesContentLengthBody) {
    const Outcome out = request_outcome(
        "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world");
    EXPECT_EQ(out.progress, Progress::message_done);
    const Message& m = only_message(out);
    EXPECT_EQ(m.framing, BodyFraming::content_length);
    EXPECT_EQ(m.content_length, 11u);
    EXPECT_EQ(m.body, "hello world");
}

TEST(RequestParser, ContentLengthZeroHasNoBody) {
    const Outcome out = request_outcome("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    const Message& m = only_message(out);
    EXPECT_EQ(m.framing, BodyFraming::content_length);
    EXPECT_EQ(m.body, "");
}

TEST(RequestParser, AcceptsIdenticalContentLengths) {
    for (std::string_view fields : {"Content-Length: 5, 5\r\n"sv, "Content-Length: 5,5 , 5\r\n"sv,
                                    "Content-Length: 5\r\nContent-Length: 5\r\n"sv,
                                    "Content-Length: 5\r\nContent-Length: 005\r\n"sv,
                                    "Content-Length:  5\t\r\n"sv}) {
        SCOPED_TRACE(fields);
        const std::string input = "POST / HTTP/1.1\r\nHost: a\r\n" + std::string(fields) + "\r\nabcde";
        const Outcome out = request_outcome(input);
        EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
        EXPECT_EQ(only_message(out).body, "abcde");
    }
}

TEST(RequestParser, ParsesChunkedBodyWithTrailers) {
    const Outcome out = request_outcome(
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n"
        "6;name=value;flag\r\n world\r\n"
        "A\r\n0123456789\r\n"
        "0\r\nX-Checksum: abc\r\nX-Other:  d \r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    const Message& m = only_message(out);
    EXPECT_EQ(m.framing, BodyFraming::chunked);
    EXPECT_EQ(m.body, "hello world0123456789");
    const std::vector<OwnedField> trailers = {{"X-Checksum", "abc"}, {"X-Other", "d"}};
    EXPECT_EQ(m.trailers, trailers);
}

TEST(RequestParser, AcceptsTransferEncodingSpellings) {
    for (std::string_view te : {"Transfer-Encoding: chunked\r\n"sv, "Transfer-Encoding:\tchunked\r\n"sv,
                                "Transfer-Encoding: CHUNKED\r\n"sv, "transfer-encoding: Chunked \r\n"sv,
                                "Transfer-Encoding: chunked,\r\n"sv, "Transfer-Encoding: , chunked\r\n"sv}) {
        SCOPED_TRACE(te);
        const std::string input =
            "POST / HTTP/1.1\r\nHost: a\r\n" + std::string(te) + "\r\n3\r\nabc\r\n0\r\n\r\n";
        const Outcome out = request_outcome(input);
        EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
        EXPECT_EQ(only_message(out).body, "abc");
    }
}

TEST(RequestParser, AcceptsChunkExtensionsWithBws) {
    const Outcome out = request_outcome(
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1;ext\r\na\r\n"
        "1 ; a = b ;c=\"q \\\" x;\"\t;d\r\nb\r\n"
        "0;last=\"\"\r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
    EXPECT_EQ(only_message(out).body, "ab");
}

TEST(RequestParser, ParsesPipelinedRequestsInOrder) {
    const Outcome out = request_outcome(
        "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
        "POST /two HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nxyz"
        "PUT /three HTTP/1.1\r\nHost: c\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        "GET /four HTTP/1.0\r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    ASSERT_EQ(out.messages.size(), 4u);
    EXPECT_EQ(out.messages[0].path, "/one");
    EXPECT_EQ(out.messages[0].body, "");
    EXPECT_EQ(out.messages[1].path, "/two");
    EXPECT_EQ(out.messages[1].authority, "b");
    EXPECT_EQ(out.messages[1].body, "xyz");
    EXPECT_EQ(out.messages[2].method, "PUT");
    EXPECT_EQ(out.messages[2].body, "hi");
    EXPECT_EQ(out.messages[3].version, Version::http10);
    EXPECT_FALSE(out.messages[3].keep_alive);
}

TEST(RequestParser, LeavesThePipelinedRequestUnconsumed) {
    RequestParser parser{Limits{}};
    std::string_view input = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokGET / HTTP/1.1\r\n";
    Step step = parser.feed(input);
    ASSERT_EQ(step.progress, Progress::head_done);
    input.remove_prefix(step.consumed);
    step = parser.feed(input);
    ASSERT_EQ(step.progress, Progress::body_data);
    EXPECT_EQ(step.body, "ok");
    EXPECT_EQ(step.body.data(), input.data());  // a view of the input, not a copy
    input.remove_prefix(step.consumed);
    step = parser.feed(input);
    ASSERT_EQ(step.progress, Progress::message_done);
    EXPECT_EQ(step.consumed, 0u);
    EXPECT_EQ(input, "GET / HTTP/1.1\r\n");
    // message_done repeats until reset().
    EXPECT_EQ(parser.feed(input).progress, Progress::message_done);
    parser.reset();
    step = parser.feed(input);
    EXPECT_EQ(step.progress, Progress::need_more);
    EXPECT_EQ(step.consumed, input.size());
    EXPECT_TRUE(parser.has_started());
}

TEST(RequestParser, NoBodyMessageEndsOnTheNextCallEvenWithEmptyInput) {
    RequestParser parser{Limits{}};
    const Step head = parser.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    ASSERT_EQ(head.progress, Progress::head_done);
    const Step done = parser.feed({});
    EXPECT_EQ(done.progress, Progress::message_done);
    EXPECT_EQ(done.consumed, 0u);
}

TEST(RequestParser, HeadViewsSurviveTheInputBuffer) {
    RequestParser parser{Limits{}};
    std::string buffer = "GET /p?q HTTP/1.1\r\nHo";
    ASSERT_EQ(parser.feed(buffer).progress, Progress::need_more);
    buffer.assign(buffer.size(), 'X');  // the receive buffer goes back to the ring
    buffer = "st: example.org\r\nX-Long: " + std::string(3000, 'v') + "\r\n\r\n";
    ASSERT_EQ(parser.feed(buffer).progress, Progress::head_done);
    buffer.assign(buffer.size(), 'X');
    EXPECT_EQ(parser.head().method, "GET");
    EXPECT_EQ(parser.head().path, "/p");
    EXPECT_EQ(parser.head().query, "q");
    EXPECT_EQ(parser.head().authority, "example.org");
    EXPECT_EQ(parser.head().find("x-long"), std::string(3000, 'v'));
    EXPECT_EQ(parser.head().find("HOST"), "example.org");
    EXPECT_EQ(parser.head().find("missing"), std::nullopt);
}

TEST(RequestParser, Http10DefaultsToCloseAndNeedsNoHost) {
    const Message m = only_message(request_outcome("GET / HTTP/1.0\r\n\r\n"));
    EXPECT_EQ(m.version, Version::http10);
    EXPECT_FALSE(m.keep_alive);
    EXPECT_EQ(m.authority, "");
}

TEST(RequestParser, DecidesKeepAliveFromVersionAndConnection) {
    struct Case {
        std::string_view version;
        std::string_view connection;
        bool keep_alive;
    };
    const Case cases[] = {
        {"HTTP/1.1", "", true},
        {"HTTP/1.1", "Connection: close\r\n", false},
        {"HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", false},
        {"HTTP/1.1", "Connection: foo\r\nConnection: close\r\n", false},
        {"HTTP/1.1", "Connection: keep-alive\r\n", true},
        {"HTTP/1.1", "Connection: closed\r\n", true},
        {"HTTP/1.0", "", false},
        {"HTTP/1.0", "Connection: keep-alive\r\n", true},
        {"HTTP/1.0", "Connection: x, Keep-Alive\r\n", true},
        {"HTTP/1.0", "Connection: keep-alive, close\r\n", false},
    };
    for (const Case& c : cases) {
        const std::string input = "GET / " + std::string(c.version) + "\r\nHost: a\r\n" +
                                  std::string(c.connection) + "\r\n";
        SCOPED_TRACE(input);
        EXPECT_EQ(only_message(request_outcome(input)).keep_alive, c.keep_alive);
    }
}

TEST(RequestParser, TakesAuthorityFromAbsoluteFormTarget) {
    const Message m = only_message(request_outcome(
        "GET http://Example.com:8080/a/b?x=y HTTP/1.1\r\nHost: other.example\r\n\r\n"));
    EXPECT_EQ(m.target_form, TargetForm::absolute);
    EXPECT_EQ(m.authority, "Example.com:8080");
    EXPECT_EQ(m.path, "/a/b");
    EXPECT_EQ(m.query, "x=y");
    EXPECT_EQ(m.target, "http://Example.com:8080/a/b?x=y");
}

TEST(RequestParser, TreatsAnEmptyAbsolutePathAsSlash) {
    const Message a = only_message(request_outcome("GET https://a.example HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(a.path, "/");
    EXPECT_EQ(a.query, "");
    const Message b = only_message(request_outcome("GET https://[::1]:443?q HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(b.authority, "[::1]:443");
    EXPECT_EQ(b.path, "/");
    EXPECT_EQ(b.query, "q");
}

TEST(RequestParser, ParsesConnectAndOptionsTargets) {
    const Message connect = only_message(
        request_outcome("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
    EXPECT_EQ(connect.target_form, TargetForm::authority);
    EXPECT_EQ(connect.authority, "example.com:443");
    EXPECT_EQ(connect.path, "");
    const Message options = only_message(request_outcome("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"));
    EXPECT_EQ(options.target_form, TargetForm::asterisk);
    EXPECT_EQ(options.target, "*");
    EXPECT_EQ(options.authority, "a");
}

TEST(RequestParser, AcceptsValidHostValues) {
    for (std::string_view host : {"example.com"sv, "example.com:8080"sv, "127.0.0.1:80"sv, "[::1]"sv,
                                  "[2001:db8::1]:443"sv, "xn--bcher-kva.example"sv, "a%20b"sv,
                                  "a.b_c~d-e!$&'()*+,;="sv, ""sv}) {
        SCOPED_TRACE(host);
        const std::string input = "GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n";
        const Outcome out = request_outcome(input);
        EXPECT_EQ(out.progress, Progress::message_done) << testing::describe(out);
        EXPECT_EQ(only_message(out).authority, host);
    }
}

TEST(RequestParser, SetsExpectsContinue) {
    for (std::string_view expect : {"Expect: 100-continue\r\n"sv, "Expect: 100-Continue\r\n"sv,
                                    "expect:\t100-CONTINUE \r\n"sv}) {
        const std::string input = "PUT / HTTP/1.1\r\nHost: a\r\n" + std::string(expect) +
                                  "Content-Length: 2\r\n\r\nok";
        SCOPED_TRACE(input);
        const Message m = only_message(request_outcome(input));
        EXPECT_TRUE(m.expects_continue);
        EXPECT_EQ(m.body, "ok");
    }
    // RFC 9110 §10.1.1: ignored in HTTP/1.0.
    EXPECT_FALSE(only_message(request_outcome("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n"))
                     .expects_continue);
}

TEST(RequestParser, DetectsUpgrade) {
    EXPECT_TRUE(only_message(request_outcome("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\n"
                                             "Upgrade: websocket\r\n\r\n"))
                    .is_upgrade);
    EXPECT_FALSE(only_message(request_outcome("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"))
                     .is_upgrade);
    EXPECT_FALSE(only_message(request_outcome("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n"))
                     .is_upgrade);
}

TEST(RequestParser, SkipsUpToFourEmptyLinesBeforeTheRequestLine) {
    const Outcome out = request_outcome("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(out.progress, Progress::message_done);
    // Between pipelined requests too, e.g. a client that ends a body with an extra CRLF.
    const Outcome two = request_outcome(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(two.progress, Progress::message_done);
    EXPECT_EQ(two.messages.size(), 2u);
}

TEST(RequestParser, EmptyLinesAloneAreNotAMessage) {
    RequestParser parser{Limits{}};
    EXPECT_EQ(parser.feed("\r\n\r").progress, Progress::need_more);
    EXPECT_FALSE(parser.has_started());
    EXPECT_EQ(parser.finish().progress, Progress::need_more);
}

TEST(RequestParser, FinishReportsTruncation) {
    struct Case {
        std::string_view input;
        Progress eof;
        std::size_t offset;
    };
    const Case cases[] = {
        {"", Progress::need_more, 0},
        {"G", Progress::failed, 1},
        {"GET / HTTP/1.1\r\nHost: a\r\n", Progress::failed, 25},
        {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabc", Progress::failed, 50},
        {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n",
         Progress::failed, 67},
        {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", Progress::need_more, 0},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.input);
        const Outcome out = request_outcome(c.input);
        EXPECT_EQ(out.eof, c.eof);
        if (c.eof == Progress::failed) {
            EXPECT_EQ(out.eof_error.reason, Reason::truncated);
            EXPECT_EQ(out.eof_error.status, 400);
            EXPECT_EQ(out.eof_error.offset, c.offset);
        }
    }
}

TEST(RequestParser, ResetAndReleaseMemoryAllowReuse) {
    RequestParser parser{Limits{}};
    for (int round = 0; round < 3; ++round) {
        ASSERT_EQ(parser.feed("GET /r HTTP/1.1\r\nHost: a\r\n\r\n").progress, Progress::head_done);
        EXPECT_EQ(parser.head().path, "/r");
        ASSERT_EQ(parser.feed({}).progress, Progress::message_done);
        if (round == 1) {
            parser.release_memory();
        } else {
            parser.reset();
        }
        EXPECT_FALSE(parser.has_started());
        EXPECT_TRUE(parser.head().fields.empty());
    }
}

}  // namespace
}  // namespace ringwall::http1
