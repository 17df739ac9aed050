// tests/http1/serializer_test.cc: the serializer writes what our parsers accept and refuses
// anything that could inject a line.
#include "http1/serializer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "http1/expect_splits.h"

namespace ringwall::http1 {
namespace {

using namespace std::literals;

TEST(Serializer, NamesReasonPhrases) {
    EXPECT_EQ(reason_phrase(200), "OK");
    EXPECT_EQ(reason_phrase(404), "Not Found");
    EXPECT_EQ(reason_phrase(413), "Content Too Large");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(502), "Bad Gateway");
    EXPECT_EQ(reason_phrase(299), "");
}

TEST(Serializer, WritesResponseHead) {
    std::string out = "prefix|";
    const std::vector<Field> fields = {{"Content-Length", "5"}, {"Server", "ringwall"}};
    ASSERT_TRUE(append_response_head(out, 200, fields));
    EXPECT_EQ(out, "prefix|HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: ringwall\r\n\r\n");
    out.clear();
    ASSERT_TRUE(append_response_head(out, 299, {}));
    EXPECT_EQ(out, "HTTP/1.1 299 \r\n\r\n");
}

TEST(Serializer, WritesRequestHeadThatOurParserReadsBack) {
    std::string out;
    const std::vector<Field> fields = {{"Host", "example.com"}, {"X-Tab", "a\tb"}, {"X-Obs", "\xe9"}};
    ASSERT_TRUE(append_request_head(out, "GET", "/a?b=c", fields));
    EXPECT_EQ(out, "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nX-Tab: a\tb\r\nX-Obs: \xe9\r\n\r\n");
    const testing::Outcome parsed = testing::request_outcome(out);
    ASSERT_EQ(parsed.progress, Progress::message_done);
    EXPECT_EQ(parsed.messages.at(0).fields.size(), 3u);
    EXPECT_EQ(parsed.messages.at(0).fields[1].value, "a\tb");
}

TEST(Serializer, RefusesInjectionAndLeavesOutputUntouched) {
    const std::vector<std::vector<Field>> bad = {
        {{"X", "a\r\nInjected: yes"}},
        {{"X", "a\nb"}},
        {{"X", "a\rb"}},
        {{"X", "a\0b"sv}},
        {{"X", "a\x0b"}},
        {{"X", "a\x7f"}},
        {{"X\r\nY", "a"}},
        {{"X Y", "a"}},
        {{"X:", "a"}},
        {{"", "a"}},
        {{"Ok", "fine"}, {"Bad\x01", "a"}},
    };
    for (const std::vector<Field>& fields : bad) {
        std::string out = "keep";
        EXPECT_FALSE(append_response_head(out, 200, fields));
        EXPECT_FALSE(append_request_head(out, "GET", "/", fields));
        EXPECT_FALSE(append_last_chunk(out, fields));
        EXPECT_EQ(out, "keep");
    }
    std::string out;
    EXPECT_FALSE(append_request_head(out, "GE T", "/", {}));
    EXPECT_FALSE(append_request_head(out, "", "/", {}));
    EXPECT_FALSE(append_request_head(out, "GET", "/ HTTP/1.1\r\nX: y", {}));
    EXPECT_FALSE(append_request_head(out, "GET", "", {}));
    EXPECT_FALSE(append_request_head(out, "GET", "/#frag", {}));
    EXPECT_FALSE(append_response_head(out, 99, {}));
    EXPECT_FALSE(append_response_head(out, 1000, {}));
    EXPECT_EQ(out, "");
}

TEST(Serializer, WritesChunksTheDecoderReadsBack) {
    std::string out;
    append_chunk(out, "hello");
    append_chunk(out, "");  // nothing: an empty chunk would end the body
    append_chunk(out, std::string(300, 'x'));
    ASSERT_TRUE(append_last_chunk(out, std::vector<Field>{{"X-Sum", "1"}}));
    EXPECT_EQ(out.substr(0, 10), "5\r\nhello\r\n");
    EXPECT_EQ(out.substr(10, 5), "12c\r\n");
    EXPECT_EQ(out.substr(out.size() - 15), "0\r\nX-Sum: 1\r\n\r\n");
    const testing::Outcome decoded = testing::decode_chunks({out});
    ASSERT_EQ(decoded.progress, Progress::message_done);
    EXPECT_EQ(decoded.messages.at(0).body, "hello" + std::string(300, 'x'));
    EXPECT_EQ(decoded.messages.at(0).trailers.at(0).name, "X-Sum");
}

}  // namespace
}  // namespace ringwall::http1
