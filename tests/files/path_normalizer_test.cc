// tests/files/path_normalizer_test.cc: decoding, dot segments and every refusal, with the
// answers nginx gives for the same paths.
#include "files/path_normalizer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ringwall::files {
namespace {

using namespace std::literals;

struct Accepted {
    std::string_view raw;
    std::string_view normalized;
};

struct Rejected {
    std::string_view raw;
    PathProblem problem;
    std::size_t offset;
};

TEST(PathNormalizer, ResolvesDotSegmentsLikeNginx) {
    const Accepted cases[] = {
        {"/", "/"},
        {"/a", "/a"},
        {"/a/", "/a/"},
        {"/a/b/c.html", "/a/b/c.html"},
        {"/a/./b", "/a/b"},
        {"/a/../b", "/b"},
        {"/a/b/..", "/a/"},
        {"/a/b/../", "/a/"},
        {"/a/.", "/a/"},
        {"/a/./", "/a/"},
        {"/.", "/"},
        {"/./", "/"},
        {"/a/..", "/"},
        {"/a/b/../../c", "/c"},
        {"/a/b/c/./../../d", "/a/d"},
        {"/a/.b", "/a/.b"},
        {"/a/..b", "/a/..b"},
        {"/a/b..", "/a/b.."},
        {"/a/...", "/a/..."},
        {"/a/.../b", "/a/.../b"},
        {"/.well-known/x", "/.well-known/x"},
    };
    for (const Accepted& c : cases) {
        SCOPED_TRACE(c.raw);
        const NormalizeResult out = normalize_request_path(c.raw);
        ASSERT_TRUE(out.is_ok()) << to_string(out.problem);
        EXPECT_EQ(out.path, c.normalized);
        EXPECT_EQ(out.status, 0);
    }
}

TEST(PathNormalizer, MergesRepeatedSlashes) {
    const Accepted cases[] = {
        {"//", "/"},        {"//a//b", "/a/b"},  {"/a//", "/a/"},     {"///a///b///", "/a/b/"},
        {"/a//../b", "/b"}, {"/a/.//b", "/a/b"}, {"/a/b//..", "/a/"}, {"/.//a", "/a"},
    };
    for (const Accepted& c : cases) {
        SCOPED_TRACE(c.raw);
        const NormalizeResult out = normalize_request_path(c.raw);
        ASSERT_TRUE(out.is_ok()) << to_string(out.problem);
        EXPECT_EQ(out.path, c.normalized);
    }
}

TEST(PathNormalizer, ClimbingThroughMergedSlashesIsStillAboveRoot) {
    // "//.." merges to "/..": climbing above the root whatever the slashes.
    for (std::string_view raw : {"//.."sv, "//..//a"sv, "/a//..//..//b"sv}) {
        SCOPED_TRACE(raw);
        EXPECT_EQ(normalize_request_path(raw).problem, PathProblem::above_root);
    }
}

TEST(PathNormalizer, DecodesOnce) {
    const Accepted cases[] = {
        {"/%61%62c", "/abc"},
        {"/a%20b", "/a b"},
        {"/%2e", "/"},
        {"/%2E/", "/"},
        {"/a/%2e%2e", "/"},
        {"/a/%2e%2E/b", "/b"},
        {"/a/.%2e/b", "/b"},
        {"/%252e%252e/x", "/%2e%2e/x"},  // double encoding stays a literal name
        {"/%252f", "/%2f"},
        {"/%25", "/%"},
        {"/a%3Fb%23c", "/a?b#c"},
        {"/caf%C3%A9", "/caf\xc3\xa9"},
        {"/caf\xc3\xa9", "/caf\xc3\xa9"},  // raw UTF-8 is checked like decoded UTF-8
        {"/%E2%82%AC", "/\xe2\x82\xac"},
        {"/%F0%9F%98%80", "/\xf0\x9f\x98\x80"},
        {"/%F4%8F%BF%BF", "/\xf4\x8f\xbf\xbf"},  // U+10FFFF, the last code point
        {"/%ED%9F%BF", "/\xed\x9f\xbf"},         // U+D7FF, just below the surrogates
        {"/%EE%80%80", "/\xee\x80\x80"},         // U+E000, just above them
        {"/%7e", "/~"},
        {"/%20", "/ "},
        {"/a%2e", "/a."},
        {"/%2ea", "/.a"},
    };
    for (const Accepted& c : cases) {
        SCOPED_TRACE(c.raw);
        const NormalizeResult out = normalize_request_path(c.raw);
        ASSERT_TRUE(out.is_ok()) << to_string(out.problem);
        EXPECT_EQ(out.path, c.normalized);
    }
}

TEST(PathNormalizer, RejectsWithStatusReasonAndOffset) {
    const Rejected cases[] = {
        {"", PathProblem::not_absolute, 0},
        {"a/b", PathProblem::not_absolute, 0},
        {"*", PathProblem::not_absolute, 0},
        {"%2Fa", PathProblem::not_absolute, 0},
        {"http://x/a", PathProblem::not_absolute, 0},
        {"/..", PathProblem::above_root, 3},
        {"/../", PathProblem::above_root, 3},
        {"/../a", PathProblem::above_root, 3},
        {"/a/../..", PathProblem::above_root, 8},
        {"/a/../../b", PathProblem::above_root, 8},
        {"/a/%2e%2e/%2e%2e/x", PathProblem::above_root, 16},
        {"/%2e%2e", PathProblem::above_root, 7},
        {"/%2E%2E/etc/passwd", PathProblem::above_root, 7},
        {"/.%2e/", PathProblem::above_root, 5},
        {"/%", PathProblem::bad_percent_encoding, 1},
        {"/%2", PathProblem::bad_percent_encoding, 1},
        {"/a%2", PathProblem::bad_percent_encoding, 2},
        {"/%g0", PathProblem::bad_percent_encoding, 1},
        {"/%0g", PathProblem::bad_percent_encoding, 1},
        {"/%%30", PathProblem::bad_percent_encoding, 1},
        {"/% 1", PathProblem::bad_percent_encoding, 1},
        {"/%-1", PathProblem::bad_percent_encoding, 1},
        {"/%u002e", PathProblem::bad_percent_encoding, 1},  // IIS-style %u is not percent-encoding
        {"/a\0b"sv, PathProblem::nul, 2},
        {"/a%00b", PathProblem::nul, 2},
        {"/a%00", PathProblem::nul, 2},
        {"/a%01", PathProblem::control_character, 2},
        {"/a%0a", PathProblem::control_character, 2},
        {"/a%0D%0A", PathProblem::control_character, 2},
        {"/a%1f", PathProblem::control_character, 2},
        {"/a%7f", PathProblem::control_character, 2},
        {"/a\x7f", PathProblem::control_character, 2},
        {"/a\tb", PathProblem::control_character, 2},
        {"/a\r\nb", PathProblem::control_character, 2},
        {"/a%2fb", PathProblem::encoded_slash, 2},
        {"/a%2Fb", PathProblem::encoded_slash, 2},
        {"/..%2f..%2fetc", PathProblem::encoded_slash, 3},
        {"/%2f", PathProblem::encoded_slash, 1},
        {"/a\\b", PathProblem::backslash, 2},
        {"/a%5cb", PathProblem::backslash, 2},
        {"/a%5C..%5C..", PathProblem::backslash, 2},
        {"/..\\..\\x", PathProblem::backslash, 3},
        // Overlong encodings of '.', '/' and NUL: the classic traversal tricks.
        {"/%C0%AE%C0%AE/x", PathProblem::invalid_utf8, 1},
        {"/%c0%ae", PathProblem::invalid_utf8, 1},
        {"/%C0%AF", PathProblem::invalid_utf8, 1},
        {"/%C1%9C", PathProblem::invalid_utf8, 1},
        {"/%C0%80", PathProblem::invalid_utf8, 1},
        {"/%E0%80%AE", PathProblem::invalid_utf8, 4},
        {"/%E0%80%AF", PathProblem::invalid_utf8, 4},
        {"/%E0%9F%BF", PathProblem::invalid_utf8, 4},  // overlong U+07FF
        {"/%F0%80%80%AF", PathProblem::invalid_utf8, 4},
        {"/%F0%8F%BF%BF", PathProblem::invalid_utf8, 4},  // overlong U+FFFF
        {"/%ED%A0%80", PathProblem::invalid_utf8, 4},     // U+D800, a surrogate
        {"/%ED%BF%BF", PathProblem::invalid_utf8, 4},     // U+DFFF
        {"/%F4%90%80%80", PathProblem::invalid_utf8, 4},  // U+110000
        {"/%F5%80%80%80", PathProblem::invalid_utf8, 1},
        {"/%FF", PathProblem::invalid_utf8, 1},
        {"/%FE", PathProblem::invalid_utf8, 1},
        {"/%80", PathProblem::invalid_utf8, 1},   // lone continuation byte
        {"/a%C3", PathProblem::invalid_utf8, 5},  // truncated at the end
        {"/%E2%82", PathProblem::invalid_utf8, 7},
        {"/%C3/a", PathProblem::invalid_utf8, 4},  // a sequence cut by '/'
        {"/%C3a", PathProblem::invalid_utf8, 4},
        {"/\xc0\xae", PathProblem::invalid_utf8, 1},  // raw bytes get the same checks
        {"/\xe0\x80\xae", PathProblem::invalid_utf8, 2},
        {"/\xff", PathProblem::invalid_utf8, 1},
    };
    for (const Rejected& c : cases) {
        SCOPED_TRACE(testing::PrintToString(std::string(c.raw)));
        const NormalizeResult out = normalize_request_path(c.raw);
        EXPECT_FALSE(out.is_ok());
        EXPECT_EQ(out.status, 400);
        EXPECT_EQ(out.problem, c.problem) << to_string(out.problem);
        EXPECT_EQ(out.offset, c.offset);
        EXPECT_TRUE(out.path.empty());
    }
}

TEST(PathNormalizer, ReportsTheFirstProblem) {
    EXPECT_EQ(normalize_request_path("/%00\\").problem, PathProblem::nul);
    EXPECT_EQ(normalize_request_path("/\\%00").problem, PathProblem::backslash);
    EXPECT_EQ(normalize_request_path("/../%zz").problem, PathProblem::above_root);
    EXPECT_EQ(normalize_request_path("/%zz/..").problem, PathProblem::bad_percent_encoding);
}

TEST(PathNormalizer, TellsDirectoriesApart) {
    EXPECT_TRUE(normalize_request_path("/").is_directory());
    EXPECT_TRUE(normalize_request_path("/a/").is_directory());
    EXPECT_TRUE(normalize_request_path("/a/b/..").is_directory());
    EXPECT_TRUE(normalize_request_path("/a/.").is_directory());
    EXPECT_TRUE(normalize_request_path("/a/%2e").is_directory());
    EXPECT_TRUE(normalize_request_path("/a//").is_directory());
    EXPECT_FALSE(normalize_request_path("/a").is_directory());
    EXPECT_FALSE(normalize_request_path("/a/b/../c").is_directory());
    EXPECT_FALSE(normalize_request_path("/..").is_directory());
}

TEST(PathNormalizer, KeepsLongPathsIntact) {
    std::string raw;
    std::string expected;
    for (int i = 0; i < 500; ++i) {
        raw += "/d" + std::to_string(i) + "/./x/..";
        expected += "/d" + std::to_string(i);
    }
    const NormalizeResult out = normalize_request_path(raw);
    ASSERT_TRUE(out.is_ok());
    EXPECT_EQ(out.path, expected + "/");
}

TEST(PathNormalizer, FindsDotfiles) {
    EXPECT_TRUE(is_dotfile_path("/.git/config"));
    EXPECT_TRUE(is_dotfile_path("/a/.env"));
    EXPECT_TRUE(is_dotfile_path("/a/.hidden/"));
    EXPECT_TRUE(is_dotfile_path("/.well-known/acme-challenge/x"));
    EXPECT_TRUE(is_dotfile_path(".x"));
    EXPECT_FALSE(is_dotfile_path("/"));
    EXPECT_FALSE(is_dotfile_path("/a.b/c.d"));
    EXPECT_FALSE(is_dotfile_path("/a/b."));
    EXPECT_FALSE(is_dotfile_path("/a/"));
    EXPECT_FALSE(is_dotfile_path(""));
}

TEST(PathNormalizer, NamesEveryProblem) {
    for (int p = 0; p <= static_cast<int>(PathProblem::above_root); ++p) {
        EXPECT_NE(to_string(static_cast<PathProblem>(p)), "unknown") << p;
    }
    EXPECT_EQ(to_string(PathProblem::encoded_slash), "encoded_slash");
}

}  // namespace
}  // namespace ringwall::files
