// tests/config/files_test.cc: [files], the settings static routes share.
#include <gtest/gtest.h>

#include <string>

#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_with_tail;
using testing::load_clean_with_tail;
using Errors = std::vector<std::string>;

TEST(Files, FillDefaults) {
    const Files files = load_clean_with_tail("").files;
    EXPECT_EQ(files, Files{});
    EXPECT_EQ(files.cache_max_size, 64u << 20);
    EXPECT_EQ(files.cache_file_max, 64u << 10);
    EXPECT_EQ(files.mmap_threshold, 1u << 20);
    EXPECT_EQ(files.revalidate, Duration(1000));
    EXPECT_EQ(files.max_ranges, 16u);
    EXPECT_EQ(files.large_files, LargeFiles::splice);
    EXPECT_TRUE(files.mime_types.empty());
    EXPECT_EQ(load_clean_with_tail("[files]\n").files, Files{});
}

TEST(Files, ReadEveryKey) {
    const Files files = load_clean_with_tail(R"([files]
cache_max_size = "256MiB"
cache_file_max = "1MiB"
mmap_threshold = "1MiB"
revalidate = "250ms"
max_ranges = 1000
large_files = "mmap_zero_copy"
[files.mime_types]
WASM = "application/wasm"
md = "text/markdown; charset=utf-8"
webmanifest = "application/manifest+json"
x_y-1 = "a/b ; q=\"x; y\\\"z\" ;r=1"
)")
                            .files;
    EXPECT_EQ(files.cache_max_size, 256u << 20);
    EXPECT_EQ(files.cache_file_max, 1u << 20);
    EXPECT_EQ(files.mmap_threshold, 1u << 20);
    EXPECT_EQ(files.revalidate, Duration(250));
    EXPECT_EQ(files.max_ranges, 1000u);
    EXPECT_EQ(files.large_files, LargeFiles::mmap_zero_copy);
    // In file order, extensions lowercase, types as written.
    EXPECT_EQ(files.mime_types, (std::vector<MimeType>{{"wasm", "application/wasm"},
                                                       {"md", "text/markdown; charset=utf-8"},
                                                       {"webmanifest", "application/manifest+json"},
                                                       {"x_y-1", "a/b ; q=\"x; y\\\"z\" ;r=1"}}));
    const Files small = load_clean_with_tail(
                            "files = { cache_max_size = 0, cache_file_max = 1, "
                            "mmap_threshold = \"1B\", max_ranges = 1 }\n")
                            .files;
    EXPECT_EQ(small.cache_max_size, 0u);
    EXPECT_EQ(small.cache_file_max, 1u);
    EXPECT_EQ(small.mmap_threshold, 1u);
    EXPECT_EQ(small.max_ranges, 1u);
}

TEST(Files, ChecksSizesDurationAndRanges) {
    EXPECT_EQ(errors_with_tail("[files]\ncache_max_size = -1\ncache_file_max = 0\n"
                               "mmap_threshold = \"0B\"\nrevalidate = \"0s\"\nmax_ranges = 0\n"),
              (Errors{"t.toml:2:18: files.cache_max_size: a size cannot be negative, got -1",
                      "t.toml:3:18: files.cache_file_max: must be greater than 0",
                      "t.toml:4:18: files.mmap_threshold: must be greater than 0",
                      "t.toml:5:14: files.revalidate: must be greater than 0",
                      "t.toml:6:14: files.max_ranges: must be between 1 and 1000, got 0"}));
    EXPECT_EQ(errors_with_tail("[files]\ncache_max_size = \"64mib\"\nrevalidate = 1\n"
                               "max_ranges = 1001\n"),
              (Errors{"t.toml:2:18: files.cache_max_size: unknown size unit \"mib\" in \"64mib\"; "
                      "did you mean \"MiB\"?",
                      "t.toml:3:14: files.revalidate: expected a duration like \"10s\", got "
                      "integer",
                      "t.toml:4:14: files.max_ranges: must be between 1 and 1000, got 1001"}));
    EXPECT_EQ(errors_with_tail("files = [\"x\"]\n"),
              Errors{"t.toml:1:9: files: expected a table, got array"});
}

TEST(Files, KeepMmapThresholdAtLeastCacheFileMax) {
    // Both written: reported at mmap_threshold.
    EXPECT_EQ(errors_with_tail("[files]\nmmap_threshold = \"32KiB\"\ncache_file_max = \"64KiB\"\n"),
              Errors{"t.toml:2:18: files.mmap_threshold: must not be less than cache_file_max "
                     "(\"64KiB\"), got \"32KiB\""});
    // One written: reported there, quoting the other's default.
    EXPECT_EQ(errors_with_tail("[files]\nmmap_threshold = \"32KiB\"\n"),
              Errors{"t.toml:2:18: files.mmap_threshold: must not be less than cache_file_max "
                     "(\"64KiB\", the default), got \"32KiB\""});
    EXPECT_EQ(errors_with_tail("[files]\ncache_file_max = \"2MiB\"\n"),
              Errors{"t.toml:2:18: files.cache_file_max: must not be greater than mmap_threshold "
                     "(\"1MiB\", the default), got \"2MiB\""});
    // Equal is fine; a refused value leaves nothing to compare.
    EXPECT_EQ(load_clean_with_tail("[files]\ncache_file_max = \"1MiB\"\n").files.cache_file_max,
              1u << 20);
    EXPECT_EQ(errors_with_tail("[files]\nmmap_threshold = \"x\"\ncache_file_max = \"2MiB\"\n"),
              Errors{"t.toml:2:18: files.mmap_threshold: expected a size like \"8KiB\", got "
                     "\"x\""});
}

TEST(Files, ChecksMimeTypeExtensions) {
    EXPECT_EQ(
        errors_with_tail(R"([files.mime_types]
".js" = "text/javascript"
"tar.gz" = "application/gzip"
"a b" = "x/y"
"" = "x/y"
"JS" = "text/javascript"
js = "application/javascript"
".a b" = "x/y"
"é" = "x/y"
)"),
        (Errors{"t.toml:2:1: files.mime_types.\".js\": extension \".js\" must be written without "
                "the leading dot; did you mean \"js\"?",
                "t.toml:3:1: files.mime_types.\"tar.gz\": extension \"tar.gz\" must not contain "
                "\".\"; a file's extension is what follows its last dot",
                "t.toml:4:1: files.mime_types.\"a b\": extension \"a b\" may hold only letters, "
                "digits, '-' and '_'",
                "t.toml:5:1: files.mime_types.\"\": an extension must not be empty",
                "t.toml:7:1: files.mime_types.js: duplicate extension \"js\" (extensions ignore "
                "case; line 6 has it already)",
                "t.toml:8:1: files.mime_types.\".a b\": extension \".a b\" must be written "
                "without the leading dot",
                "t.toml:9:1: files.mime_types.\"é\": extension \"é\" may hold only letters, "
                "digits, '-' and '_'"}));
}

TEST(Files, ChecksMediaTypes) {
    EXPECT_EQ(
        errors_with_tail(R"([files.mime_types]
a = "text"
b = "text/"
c = "/html"
d = "te xt/html"
e = "text/ht@ml"
f = "text/html;"
g = "text/html; charset"
h = "text/html; charset="
i = "text/html; charset=\"utf-8"
j = "text/html\r\n"
k = "text/html\tx"
l = "text/html x"
m = 5
n = { type = "x/y" }
)"),
        (Errors{"t.toml:2:5: files.mime_types.a: expected a media type like \"text/html\", got "
                "\"text\"",
                "t.toml:3:5: files.mime_types.b: expected a media type like \"text/html\", got "
                "\"text/\"",
                "t.toml:4:5: files.mime_types.c: expected a media type like \"text/html\", got "
                "\"/html\"",
                "t.toml:5:5: files.mime_types.d: expected a media type like \"text/html\", got "
                "\"te xt/html\"",
                "t.toml:6:5: files.mime_types.e: media type \"text/ht@ml\": character \"@\" is not "
                "allowed in a subtype",
                "t.toml:7:5: files.mime_types.f: media type \"text/html;\": parameters must look "
                "like \"; name=value\", as in \"text/html; charset=utf-8\"",
                "t.toml:8:5: files.mime_types.g: media type \"text/html; charset\": parameters "
                "must look like \"; name=value\", as in \"text/html; charset=utf-8\"",
                "t.toml:9:5: files.mime_types.h: media type \"text/html; charset=\": parameters "
                "must look like \"; name=value\", as in \"text/html; charset=utf-8\"",
                "t.toml:10:5: files.mime_types.i: media type \"text/html; charset=\\\"utf-8\": "
                "unclosed quoted parameter value",
                "t.toml:11:5: files.mime_types.j: media type \"text/html\\r\\n\" must not contain "
                "control characters (found CR)",
                "t.toml:12:5: files.mime_types.k: media type \"text/html\\tx\" must not contain "
                "control characters (found HTAB)",
                "t.toml:13:5: files.mime_types.l: media type \"text/html x\": parameters must "
                "look like \"; name=value\", as in \"text/html; charset=utf-8\"",
                "t.toml:14:5: files.mime_types.m: expected a string, got integer",
                "t.toml:15:5: files.mime_types.n: expected a string, got table"}));
    EXPECT_EQ(errors_with_tail("[files]\nmime_types = [\"js\"]\n"),
              Errors{"t.toml:2:14: files.mime_types: expected a table, got array"});
}

TEST(Files, ReportUnknownKeysWithSuggestions) {
    EXPECT_EQ(errors_with_tail("[files]\nmax_range = 2\nmmap_treshold = \"1MiB\"\nmime_type = {}\n"
                               "revalidation = \"1s\"\n"),
              (Errors{"t.toml:2:1: files.max_range: unknown key \"max_range\"; did you mean "
                      "\"max_ranges\"?",
                      "t.toml:3:1: files.mmap_treshold: unknown key \"mmap_treshold\"; did you "
                      "mean \"mmap_threshold\"?",
                      "t.toml:4:1: files.mime_type: unknown key \"mime_type\"; did you mean "
                      "\"mime_types\"?",
                      "t.toml:5:1: files.revalidation: unknown key \"revalidation\""}));
    EXPECT_EQ(errors_with_tail("[file]\n"),
              Errors{"t.toml:1:2: file: unknown key \"file\"; did you mean \"files\"?"});
}

TEST(Files, RefusesAnUnknownWayToSendLargeFiles) {
    const Errors errors = errors_with_tail("[files]\nlarge_files = \"sendfile\"\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("files.large_files"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("splice"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace ringwall::config
