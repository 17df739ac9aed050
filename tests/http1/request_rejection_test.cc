// tests/http1/request_rejection_test.cc: every strictness rule of RequestParser as a table
// of byte strings, each run whole and at every split: the defence against smuggling.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>

#include "http1/expect_splits.h"
#include "http1/request_parser.h"

namespace ringwall::http1 {
namespace {

using namespace std::literals;
using testing::Outcome;
using testing::Rejection;
using testing::request_outcome;

void expect_rejections(std::span<const Rejection> cases, const Limits& limits = Limits{}) {
    for (const Rejection& c : cases) {
        SCOPED_TRACE(c.name);
        const Outcome out = request_outcome(c.input, limits);
        EXPECT_EQ(out.progress, Progress::failed) << testing::describe(out);
        EXPECT_EQ(out.error.status, c.status);
        EXPECT_EQ(out.error.reason, c.reason);
        // Body errors come after head_done, but no rejected message ever completes.
        for (const testing::Message& m : out.messages) {
            EXPECT_FALSE(m.complete);
        }
        EXPECT_EQ(out.eof, Progress::failed);
        EXPECT_EQ(out.eof_error, out.error);
    }
}

#define HOST "Host: a\r\n"
#define POST "POST / HTTP/1.1\r\nHost: a\r\n"
#define CHUNKED POST "Transfer-Encoding: chunked\r\n\r\n"

TEST(RequestParser, RejectsMalformedRequestLines) {
    const Rejection cases[] = {
        {"double space", "GET  / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"space before version twice", "GET /  HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"trailing space", "GET / HTTP/1.1 \r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"leading space", " GET / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"tab separator", "GET\t/ HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"tab before version", "GET /\tHTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"no version", "GET /\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"method only", "GET\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"empty target", "GET  HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
        {"non-token method", "G(T / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_method},
        {"method with NUL", "GE\0T / HTTP/1.1\r\n" HOST "\r\n"sv, 400, Reason::invalid_method},
        {"method with obs-text", "G\xc3\x89T / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_method},
        {"lowercase version", "GET / http/1.1\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"HTTP/1.2", "GET / HTTP/1.2\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"HTTP/2.0", "GET / HTTP/2.0\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"HTTP/0.9", "GET / HTTP/0.9\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"HTTP/1.10", "GET / HTTP/1.10\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"HTTP/1", "GET / HTTP/1\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"HTTP/11", "GET / HTTP/11\r\n" HOST "\r\n", 400, Reason::invalid_version},
        {"version with NUL", "GET / HTTP/1.1\0\r\n" HOST "\r\n"sv, 400, Reason::invalid_version},
        {"fragment in target", "GET /a#b HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"DEL in target", "GET /\x7f HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"obs-text in target", "GET /\xc3\xa9 HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"NUL in target", "GET /\0 HTTP/1.1\r\n" HOST "\r\n"sv, 400, Reason::invalid_target},
        {"VT in target", "GET /\x0b HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"relative target", "GET foo HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"asterisk with GET", "GET * HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"asterisk with more", "OPTIONS *a HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"CONNECT origin-form", "CONNECT / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"CONNECT without port", "CONNECT a.example HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"CONNECT empty port", "CONNECT a.example: HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"CONNECT absolute", "CONNECT http://a:1/ HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"authority-form with GET", "GET a.example:80 HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"absolute with userinfo", "GET http://u:p@a/ HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"absolute without authority", "GET http:///a HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"absolute single slash", "GET http:/a HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"scheme starts with digit", "GET 1http://a/ HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"absolute bad port", "GET http://a:99999/ HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_target},
        {"bare LF after request line", "GET / HTTP/1.1\n" HOST "\r\n", 400, Reason::bare_lf},
        {"bare CR in request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400, Reason::bare_cr},
        {"bare CR in target", "GET /\r HTTP/1.1\r\n" HOST "\r\n", 400, Reason::bare_cr},
        {"bare CR in method", "GET\r / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::bare_cr},
        {"leading bare LF", "\nGET / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::bare_lf},
        {"leading bare CR", "\r\rGET / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::bare_cr},
        {"leading CR then text", "\rGET / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::bare_cr},
        {"five leading empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n" HOST "\r\n", 400,
         Reason::invalid_request_line},
        {"leading space line", " \r\nGET / HTTP/1.1\r\n" HOST "\r\n", 400, Reason::invalid_request_line},
    };
    expect_rejections(cases);
}

TEST(RequestParser, RejectsMalformedFieldLines) {
    const Rejection cases[] = {
        {"obs-fold", "GET / HTTP/1.1\r\n" HOST "X: a\r\n b\r\n\r\n", 400, Reason::obs_fold},
        {"obs-fold with tab", "GET / HTTP/1.1\r\n" HOST "X: a\r\n\tb\r\n\r\n", 400, Reason::obs_fold},
        {"whitespace-only line", "GET / HTTP/1.1\r\n" HOST " \r\n\r\n", 400, Reason::obs_fold},
        {"space before first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, Reason::obs_fold},
        {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, Reason::space_before_colon},
        {"tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400, Reason::space_before_colon},
        {"TE space before colon", POST "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400,
         Reason::space_before_colon},
        {"space inside name", "GET / HTTP/1.1\r\n" HOST "X Y: a\r\n\r\n", 400, Reason::space_before_colon},
        {"empty name", "GET / HTTP/1.1\r\n" HOST ": a\r\n\r\n", 400, Reason::invalid_field_name},
        {"no colon", "GET / HTTP/1.1\r\n" HOST "NoColon\r\n\r\n", 400, Reason::invalid_field_name},
        {"non-token name", "GET / HTTP/1.1\r\n" HOST "X(y): a\r\n\r\n", 400, Reason::invalid_field_name},
        {"obs-text name", "GET / HTTP/1.1\r\n" HOST "X\xc3\xa9: a\r\n\r\n", 400, Reason::invalid_field_name},
        {"NUL in name", "GET / HTTP/1.1\r\n" HOST "X\0: a\r\n\r\n"sv, 400, Reason::invalid_field_name},
        {"NUL in value", "GET / HTTP/1.1\r\n" HOST "X: a\0b\r\n\r\n"sv, 400, Reason::invalid_field_value},
        {"VT in value", "GET / HTTP/1.1\r\n" HOST "X: a\x0b\r\n\r\n", 400, Reason::invalid_field_value},
        {"FF in value", "GET / HTTP/1.1\r\n" HOST "X: \x0c" "a\r\n\r\n", 400, Reason::invalid_field_value},
        {"ESC in value", "GET / HTTP/1.1\r\n" HOST "X: a\x1b\r\n\r\n", 400, Reason::invalid_field_value},
        {"DEL in value", "GET / HTTP/1.1\r\n" HOST "X: a\x7f\r\n\r\n", 400, Reason::invalid_field_value},
        {"VT in Content-Length", POST "Content-Length: 1\x0b\r\n\r\nx", 400, Reason::invalid_field_value},
        {"FF before chunked", POST "Transfer-Encoding: \x0c" "chunked\r\n\r\n0\r\n\r\n", 400,
         Reason::invalid_field_value},
        {"bare CR in value", "GET / HTTP/1.1\r\n" HOST "X: a\rb\r\n\r\n", 400, Reason::bare_cr},
        {"bare CR in name", "GET / HTTP/1.1\r\n" HOST "X\r: a\r\n\r\n", 400, Reason::bare_cr},
        {"bare CR line", "GET / HTTP/1.1\r\n" HOST "\r\r\n", 400, Reason::bare_cr},
        {"bare LF in value", "GET / HTTP/1.1\r\n" HOST "X: a\nb\r\n\r\n", 400, Reason::bare_lf},
        {"bare LF line end", "GET / HTTP/1.1\r\n" HOST "X: a\n\r\n", 400, Reason::bare_lf},
        {"bare LF final line", "GET / HTTP/1.1\r\n" HOST "\n", 400, Reason::bare_lf},
        {"bare LF both", "GET / HTTP/1.1\nHost: a\n\n", 400, Reason::bare_lf},
    };
    expect_rejections(cases);
}

TEST(RequestParser, RejectsMissingDuplicateAndInvalidHost) {
    const Rejection cases[] = {
        {"missing", "GET / HTTP/1.1\r\nX: a\r\n\r\n", 400, Reason::missing_host},
        {"missing with absolute-form", "GET http://a/ HTTP/1.1\r\n\r\n", 400, Reason::missing_host},
        {"two lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, Reason::duplicate_host},
        {"two lines in 1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, Reason::duplicate_host},
        {"space inside", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, Reason::invalid_host},
        {"list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400, Reason::invalid_host},
        {"slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, Reason::invalid_host},
        {"userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400, Reason::invalid_host},
        {"port too big", "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", 400, Reason::invalid_host},
        {"port not digits", "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", 400, Reason::invalid_host},
        {"two colons", "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400, Reason::invalid_host},
        {"empty host with port", "GET / HTTP/1.1\r\nHost: :80\r\n\r\n", 400, Reason::invalid_host},
        {"unclosed bracket", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, Reason::invalid_host},
        {"bad IPv6 literal", "GET / HTTP/1.1\r\nHost: [zz::1]\r\n\r\n", 400, Reason::invalid_host},
        {"bad pct-encoding", "GET / HTTP/1.1\r\nHost: a%2\r\n\r\n", 400, Reason::invalid_host},
        {"obs-text", "GET / HTTP/1.1\r\nHost: \xc3\xa9\r\n\r\n", 400, Reason::invalid_host},
    };
    expect_rejections(cases);
}

TEST(RequestParser, RejectsBadContentLength) {
    const Rejection cases[] = {
        {"plus sign", POST "Content-Length: +5\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"minus sign", POST "Content-Length: -5\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"hex", POST "Content-Length: 0x5\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"two numbers", POST "Content-Length: 5 5\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"decimal point", POST "Content-Length: 5.0\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"exponent", POST "Content-Length: 1e1\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"empty", POST "Content-Length: \r\n\r\nhello", 400, Reason::invalid_content_length},
        {"empty list element", POST "Content-Length: 5,,5\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"trailing comma", POST "Content-Length: 5,\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"leading comma", POST "Content-Length: ,5\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"differing list", POST "Content-Length: 5, 6\r\n\r\nhello", 400, Reason::invalid_content_length},
        {"overflow", POST "Content-Length: 18446744073709551616\r\n\r\n", 400, Reason::invalid_content_length},
        {"long overflow", POST "Content-Length: 99999999999999999999999\r\n\r\n", 400,
         Reason::invalid_content_length},
        {"differing lines", POST "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400,
         Reason::duplicate_content_length},
        {"valid then invalid", POST "Content-Length: 5\r\nContent-Length: x\r\n\r\nhello", 400,
         Reason::invalid_content_length},
        {"max uint64 is over the body limit", POST "Content-Length: 18446744073709551615\r\n\r\n", 413,
         Reason::body_too_large},
    };
    expect_rejections(cases);
}

TEST(RequestParser, RejectsAmbiguousTransferEncoding) {
    const Rejection cases[] = {
        {"CL.TE", POST "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         Reason::te_with_content_length},
        {"TE.CL", POST "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400,
         Reason::te_with_content_length},
        {"TE gzip with CL", POST "Transfer-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd", 400,
         Reason::te_with_content_length},
        {"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         Reason::te_in_http10},
        {"xchunked", POST "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501,
         Reason::unknown_transfer_coding},
        {"chunkedx", POST "Transfer-Encoding: chunkedx\r\n\r\n0\r\n\r\n", 501, Reason::unknown_transfer_coding},
        {"identity", POST "Transfer-Encoding: identity\r\n\r\n", 501, Reason::unknown_transfer_coding},
        {"gzip", POST "Transfer-Encoding: gzip\r\n\r\n", 501, Reason::unknown_transfer_coding},
        {"gzip, chunked", POST "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
         Reason::unknown_transfer_coding},
        {"chunked, identity", POST "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400,
         Reason::chunked_not_final},
        {"chunked then gzip line", POST "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
         Reason::chunked_not_final},
        {"chunked, chunked", POST "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400,
         Reason::chunked_twice},
        {"chunked on two lines", POST "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
         Reason::chunked_twice},
        {"empty", POST "Transfer-Encoding: \r\n\r\n", 400, Reason::invalid_transfer_encoding},
        {"only commas", POST "Transfer-Encoding: , ,\r\n\r\n", 400, Reason::invalid_transfer_encoding},
        {"empty second line", POST "Transfer-Encoding: chunked\r\nTransfer-Encoding:\r\n\r\n", 400,
         Reason::invalid_transfer_encoding},
        {"parameters", POST "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", 400,
         Reason::invalid_transfer_encoding},
        {"quoted", POST "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400, Reason::invalid_transfer_encoding},
        {"space inside coding", POST "Transfer-Encoding: chun ked\r\n\r\n0\r\n\r\n", 400,
         Reason::invalid_transfer_encoding},
        {"obs-text coding", POST "Transfer-Encoding: chunk\xc3\xa9\r\n\r\n0\r\n\r\n", 400,
         Reason::invalid_transfer_encoding},
    };
    expect_rejections(cases);
}

TEST(RequestParser, RejectsBadChunkedFraming) {
    const Rejection cases[] = {
        {"size with trailing space", CHUNKED "5 \r\nhello\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"size with leading space", CHUNKED " 5\r\nhello\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"negative size", CHUNKED "-1\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"0x prefix", CHUNKED "0x5\r\nhello\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"plus sign", CHUNKED "+5\r\nhello\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"empty size", CHUNKED "\r\nhello\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"not hex", CHUNKED "g\r\n", 400, Reason::invalid_chunk_size},
        {"overflow", CHUNKED "ffffffffffffffffff\r\n", 400, Reason::invalid_chunk_size},
        {"17 digits", CHUNKED "00000000000000001\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"size then text", CHUNKED "5x\r\nhello\r\n0\r\n\r\n", 400, Reason::invalid_chunk_size},
        {"size bare LF", CHUNKED "5\nhello\r\n0\r\n\r\n", 400, Reason::bare_lf},
        {"size bare CR", CHUNKED "5\rhello\r\n0\r\n\r\n", 400, Reason::bare_cr},
        {"data too long", CHUNKED "5\r\nhelloX\r\n0\r\n\r\n", 400, Reason::missing_chunk_crlf},
        {"data then LF", CHUNKED "5\r\nhello\n0\r\n\r\n", 400, Reason::missing_chunk_crlf},
        {"data then CR only", CHUNKED "5\r\nhello\rX0\r\n\r\n", 400, Reason::missing_chunk_crlf},
        {"data short", CHUNKED "5\r\nhell\r\n0\r\n\r\n", 400, Reason::missing_chunk_crlf},
        {"empty extension", CHUNKED "1;\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_extension},
        {"extension without name", CHUNKED "1;=v\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_extension},
        {"extension without value", CHUNKED "1;a=\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_extension},
        {"extension trailing space", CHUNKED "1;a \r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_extension},
        {"extension two words", CHUNKED "1;a b\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_extension},
        {"extension open quote", CHUNKED "1;a=\"x\r\nx\r\n0\r\n\r\n", 400, Reason::invalid_chunk_extension},
        {"extension NUL", CHUNKED "1;a\0\r\nx\r\n0\r\n\r\n"sv, 400, Reason::invalid_chunk_extension},
        {"extension bare LF", CHUNKED "1;a\nx\r\n0\r\n\r\n", 400, Reason::bare_lf},
        {"trailer obs-fold", CHUNKED "0\r\nX: a\r\n b\r\n\r\n", 400, Reason::obs_fold},
        {"trailer space before colon", CHUNKED "0\r\nX : a\r\n\r\n", 400, Reason::space_before_colon},
        {"trailer bare LF", CHUNKED "0\r\nX: a\n\r\n", 400, Reason::bare_lf},
        {"trailer NUL", CHUNKED "0\r\nX: \0\r\n\r\n"sv, 400, Reason::invalid_field_value},
        {"trailer content-length", CHUNKED "0\r\nContent-Length: 5\r\n\r\n", 400, Reason::invalid_trailer},
        {"trailer transfer-encoding", CHUNKED "0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
         Reason::invalid_trailer},
        {"trailer host", CHUNKED "0\r\nX: y\r\nHOST: b\r\n\r\n", 400, Reason::invalid_trailer},
        {"last chunk bare LF", CHUNKED "0\r\n\n", 400, Reason::bare_lf},
    };
    expect_rejections(cases);
}

TEST(RequestParser, RejectsExpectationsOtherThanContinue) {
    const Rejection cases[] = {
        {"other token", POST "Expect: 200-ok\r\n\r\n", 417, Reason::invalid_expect},
        {"empty", POST "Expect:\r\n\r\n", 417, Reason::invalid_expect},
        {"list", POST "Expect: 100-continue, x\r\n\r\n", 417, Reason::invalid_expect},
        {"second line", POST "Expect: 100-continue\r\nExpect: x\r\n\r\n", 417, Reason::invalid_expect},
        {"with parameters", POST "Expect: 100-continue;a=b\r\n\r\n", 417, Reason::invalid_expect},
    };
    expect_rejections(cases);
}

TEST(RequestParser, ReportsTheOffsetOfTheOffendingByte) {
    struct Case {
        std::string_view input;
        std::size_t offset;
    };
    const Case cases[] = {
        {"GET / HTTP/1.1\nHost: a\r\n\r\n", 14},      // the LF
        {"\r\nGET / HTTP/1.1\nHost: a\r\n\r\n", 16},  // leading empty lines count
        {"GET /#x HTTP/1.1\r\n", 5},                  // the '#'
        {"GET / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n", 28},
        {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 25},  // the second Host line
        {CHUNKED "5\r\nhelloX", 64},                           // the byte after the data
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.input);
        const Outcome out = request_outcome(c.input);
        EXPECT_EQ(out.progress, Progress::failed);
        EXPECT_EQ(out.error.offset, c.offset);
    }
}

TEST(RequestParser, ParsesNothingAfterAnError) {
    RequestParser parser{Limits{}};
    const Step bad = parser.feed("GET / HTTP/1.1\r\nHost : a\r\n\r\n");
    ASSERT_EQ(bad.progress, Progress::failed);
    const ParseError error = parser.error();
    EXPECT_EQ(error.reason, Reason::space_before_colon);
    for (std::string_view more : {"GET / HTTP/1.1\r\nHost: a\r\n\r\n"sv, ""sv, "\r\n"sv}) {
        EXPECT_EQ(parser.feed(more).progress, Progress::failed);
        EXPECT_EQ(parser.error(), error);
    }
    EXPECT_EQ(parser.finish().progress, Progress::failed);
    EXPECT_EQ(parser.error(), error);
}

TEST(RequestParser, BodyErrorsStopTheMessage) {
    RequestParser parser{Limits{}};
    std::string_view input = CHUNKED "3\r\nabc\r\nzz\r\n";
    Step step = parser.feed(input);
    ASSERT_EQ(step.progress, Progress::head_done);
    input.remove_prefix(step.consumed);
    step = parser.feed(input);
    ASSERT_EQ(step.progress, Progress::body_data);
    input.remove_prefix(step.consumed);
    step = parser.feed(input);
    EXPECT_EQ(step.progress, Progress::failed);
    EXPECT_EQ(parser.error().reason, Reason::invalid_chunk_size);
    EXPECT_EQ(parser.feed("0\r\n\r\n").progress, Progress::failed);
    EXPECT_EQ(parser.error().reason, Reason::invalid_chunk_size);
}

TEST(RequestParser, SmugglingPayloadWithoutFramingIsTheNextRequest) {
    // "Transfer_Encoding" is just another field: no body, so the chunk bytes that follow
    // must parse as a (bad) request of their own instead of being swallowed.
    const Outcome out = request_outcome(POST "Transfer_Encoding: chunked\r\n\r\n0\r\n\r\n");
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(out.messages[0].framing, BodyFraming::none);
    EXPECT_EQ(out.progress, Progress::failed);
    EXPECT_EQ(out.error.reason, Reason::invalid_request_line);
}

}  // namespace
}  // namespace ringwall::http1
