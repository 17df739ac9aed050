// tests/files/mime_types_test.cc: the built-in table, extension extraction, MimeMap
// overrides and what counts as compressible.
#include "files/mime_types.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ringwall::files {
namespace {

using namespace std::literals;

TEST(MimeTypes, KnowsTheCommonWebSet) {
    const struct {
        std::string_view extension;
        std::string_view type;
    } cases[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"map", "application/json"},
        {"txt", "text/plain; charset=utf-8"},
        {"xml", "text/xml; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"avif", "image/avif"},
        {"ico", "image/x-icon"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
        {"otf", "font/otf"},
        {"wasm", "application/wasm"},
        {"pdf", "application/pdf"},
        {"zip", "application/zip"},
        {"gz", "application/gzip"},
        {"br", "application/x-brotli"},
        {"zst", "application/zstd"},
        {"mp4", "video/mp4"},
        {"webm", "video/webm"},
        {"mp3", "audio/mpeg"},
        {"ogg", "audio/ogg"},
        {"wav", "audio/wav"},
        {"csv", "text/csv; charset=utf-8"},
        {"md", "text/markdown; charset=utf-8"},
        {"HTML", "text/html; charset=utf-8"},
        {"Js", "text/javascript; charset=utf-8"},
        {"WOFF2", "font/woff2"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.extension);
        EXPECT_EQ(builtin_content_type(c.extension), c.type);
    }
    for (std::string_view unknown :
         {""sv, "exe"sv, "htmlx"sv, "ht"sv, "h"sv, "zzz"sv, "aaa"sv, "html "sv,
          std::string_view("html\0", 5), "0123456789012345678901234567890123"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(unknown)));
        EXPECT_EQ(builtin_content_type(unknown), std::nullopt);
    }
}

TEST(MimeTypes, FindsTheExtensionOfTheLastSegment) {
    const struct {
        std::string_view path;
        std::string_view extension;
    } cases[] = {
        {"/a/b.html", "html"},
        {"/a/b.tar.gz", "gz"},
        {"b.css", "css"},
        {"/a.d/b", ""},
        {"/a/b", ""},
        {"/a/b.", ""},
        {"/a/.bashrc", ""},
        {"/a/.b.txt", "txt"},
        {"/", ""},
        {"", ""},
        {"/a/..x", "x"},
        {"/x.HTML", "HTML"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.path);
        EXPECT_EQ(extension_of(c.path), c.extension);
    }
}

TEST(MimeMap, StartsWithTheBuiltinsAndADefault) {
    const MimeMap map;
    EXPECT_EQ(map.find("html"), "text/html; charset=utf-8");
    EXPECT_EQ(map.find("PNG"), "image/png");
    EXPECT_EQ(map.find("exe"), default_content_type);
    EXPECT_EQ(map.find(""), default_content_type);
    EXPECT_EQ(map.find(std::string(100, 'a')), default_content_type);
    EXPECT_EQ(map.find_for_path("/static/app.min.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(map.find_for_path("/static/README"), default_content_type);
}

TEST(MimeMap, TakesOverridesAndAdditions) {
    MimeMap map;
    ASSERT_TRUE(map.set("js", "application/javascript"));
    ASSERT_TRUE(map.set("Apk", "application/vnd.android.package-archive"));
    ASSERT_TRUE(map.set("a", "text/x-a; charset=utf-8"));
    ASSERT_TRUE(map.set("zzzz", "application/x-z"));
    ASSERT_TRUE(map.set("c++", "text/x-c++src"));
    EXPECT_EQ(map.find("js"), "application/javascript");
    EXPECT_EQ(map.find("JS"), "application/javascript");
    EXPECT_EQ(map.find("apk"), "application/vnd.android.package-archive");
    EXPECT_EQ(map.find("APK"), "application/vnd.android.package-archive");
    EXPECT_EQ(map.find("a"), "text/x-a; charset=utf-8");
    EXPECT_EQ(map.find("zzzz"), "application/x-z");
    EXPECT_EQ(map.find("c++"), "text/x-c++src");
    EXPECT_EQ(map.find("css"), "text/css; charset=utf-8");  // neighbours untouched
    ASSERT_TRUE(map.set("apk", "application/x-apk"));
    EXPECT_EQ(map.find("Apk"), "application/x-apk");
    ASSERT_TRUE(map.set_default("text/plain"));
    EXPECT_EQ(map.find("unknown"), "text/plain");
}

TEST(MimeMap, RefusesBadEntriesAndKeepsTheOldOnes) {
    MimeMap map;
    for (std::string_view extension :
         {""sv, ".js"sv, "a.b"sv, "a/b"sv, "a b"sv, "a\0"sv, "\xc3\xa9"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(extension)));
        EXPECT_FALSE(map.set(extension, "text/plain"));
    }
    EXPECT_FALSE(map.set(std::string(33, 'a'), "text/plain"));
    for (std::string_view type :
         {""sv, "text"sv, "/plain"sv, "text/"sv, "text/plain\r\nX: y"sv, "text/plain\n"sv,
          "text/pl ain"sv, "te xt/plain"sv, "text/plain\x7f"sv, "text/plain; charset=\xff"sv,
          "text/plain\0"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(type)));
        EXPECT_FALSE(map.set("js", type));
        EXPECT_FALSE(map.set_default(type));
    }
    EXPECT_EQ(map.find("js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(map.find("nope"), default_content_type);
    EXPECT_TRUE(map.set("x", "text/plain ; charset=utf-8"));
}

TEST(MimeTypes, KnowsWhatIsWorthCompressing) {
    for (std::string_view type :
         {"text/html; charset=utf-8"sv, "text/css"sv, "text/plain"sv, "TEXT/PLAIN"sv,
          "text/javascript"sv, "application/json"sv, "application/javascript"sv,
          "application/xml"sv, "image/svg+xml"sv, "application/wasm"sv,
          "application/manifest+json"sv, "application/ld+json"sv, "application/xhtml+xml"sv,
          "application/vnd.api+json"sv, "font/ttf"sv, "font/otf"sv, "image/x-icon"sv,
          "Application/JSON; charset=utf-8"sv, " text/csv "sv}) {
        SCOPED_TRACE(type);
        EXPECT_TRUE(is_compressible(type));
    }
    for (std::string_view type :
         {"image/png"sv, "image/jpeg"sv, "image/webp"sv, "image/avif"sv, "font/woff"sv,
          "font/woff2"sv, "video/mp4"sv, "audio/mpeg"sv, "application/zip"sv, "application/gzip"sv,
          "application/zstd"sv, "application/x-brotli"sv, "application/pdf"sv,
          "application/octet-stream"sv, ""sv, "text"sv, "json"sv, "application/jsonx"sv,
          "application/json+zip"sv}) {
        SCOPED_TRACE(type);
        EXPECT_FALSE(is_compressible(type));
    }
}

TEST(MimeTypes, CompressesEveryBuiltinTextType) {
    // A text type we serve with a charset should never go out uncompressed by mistake.
    for (std::string_view extension : {"html"sv, "css"sv, "js"sv, "mjs"sv, "json"sv, "map"sv,
                                       "txt"sv, "xml"sv, "svg"sv, "csv"sv, "md"sv, "wasm"sv}) {
        SCOPED_TRACE(extension);
        EXPECT_TRUE(is_compressible(*builtin_content_type(extension)));
    }
}

}  // namespace
}  // namespace ringwall::files
