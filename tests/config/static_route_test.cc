// tests/config/static_route_test.cc: the static action, [routes.static].
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <string>

#include "config/toml_text.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::load_clean;
using testing::TempDir;
using Errors = std::vector<std::string>;

// One listener, then `routes`: route tables start on line 3.
constexpr std::string_view listener = "[[listeners]]\naddress = \":80\"\n";

Errors route_errors(std::string_view routes) {
    return errors_of(std::string(listener) + std::string(routes));
}

Config load_routes_clean(std::string_view routes) {
    return load_clean(std::string(listener) + std::string(routes));
}

// "[[routes]]\n[routes.static]\nroot = "/" + `keys`: the keys start on line 6.
Errors static_errors(std::string_view keys) {
    return route_errors("[[routes]]\n[routes.static]\nroot = \"/\"\n" + std::string(keys));
}

StaticFiles load_static_clean(std::string_view keys) {
    const Config config =
        load_routes_clean("[[routes]]\n[routes.static]\nroot = \"/\"\n" + std::string(keys));
    return config.routes.empty() ? StaticFiles{} : config.routes[0].static_files;
}

std::string working_directory() {
    char cwd[PATH_MAX];
    return ::getcwd(cwd, sizeof cwd) != nullptr ? cwd : "";
}

TEST(StaticRoute, FillsDefaults) {
    const TempDir dir;
    const Config config =
        load_routes_clean("[[routes]]\n[routes.static]\nroot = \"" + dir.path() + "\"\n");
    ASSERT_EQ(config.routes.size(), 1u);
    const Route& route = config.routes[0];
    EXPECT_EQ(route.action, Action::static_files);
    EXPECT_EQ(route.strip_prefix, "");
    EXPECT_EQ(route.respond, Respond{});
    StaticFiles expected;
    expected.root = dir.path();
    EXPECT_EQ(route.static_files, expected);
    const StaticFiles& files = route.static_files;
    EXPECT_EQ(files.index, (std::vector<std::string>{"index.html"}));
    EXPECT_EQ(files.fallback, "");
    EXPECT_FALSE(files.list_directories);
    EXPECT_EQ(files.dotfiles, Dotfiles::deny);
    EXPECT_EQ(files.symlinks, Symlinks::inside_root);
    EXPECT_EQ(files.cache_control, "");
    const std::vector<ContentCoding> all{ContentCoding::br, ContentCoding::zstd,
                                         ContentCoding::gzip};
    EXPECT_EQ(files.precompressed, all);
    EXPECT_EQ(files.compress, all);
    EXPECT_EQ(files.compress_min_size, 1024u);
}

TEST(StaticRoute, ReadsEveryKey) {
    const TempDir dir;
    const std::string site = dir.make_dir("site");
    const Config config = load_routes_clean(R"([[routes]]
name = "assets"
path_prefix = "/assets/"
strip_prefix = "/assets"
response_headers.set = { "x-frame-options" = "DENY" }
[routes.static]
root = ")" + site + R"(/"
index = ["index.htm", "default.html", "index.html"]
fallback = "app/index.html"
list_directories = true
dotfiles = "allow"
symlinks = "deny"
cache_control = "public, max-age=3600"
precompressed = ["gzip", "br"]
compress = ["zstd"]
compress_min_size = "4KiB"
[[routes]]
static = { root = ".", index = [], precompressed = [], compress = [], compress_min_size = 0 }
)");
    ASSERT_EQ(config.routes.size(), 2u);
    const Route& assets = config.routes[0];
    EXPECT_EQ(assets.action, Action::static_files);
    EXPECT_EQ(assets.strip_prefix, "/assets");
    EXPECT_EQ(assets.response_headers, (HeaderOps{{}, {{"x-frame-options", "DENY"}}, {}}));
    const StaticFiles& files = assets.static_files;
    EXPECT_EQ(files.root, site + "/");  // as written
    EXPECT_EQ(files.index, (std::vector<std::string>{"index.htm", "default.html", "index.html"}));
    EXPECT_EQ(files.fallback, "app/index.html");
    EXPECT_TRUE(files.list_directories);
    EXPECT_EQ(files.dotfiles, Dotfiles::allow);
    EXPECT_EQ(files.symlinks, Symlinks::deny);
    EXPECT_EQ(files.cache_control, "public, max-age=3600");
    EXPECT_EQ(files.precompressed,
              (std::vector<ContentCoding>{ContentCoding::gzip, ContentCoding::br}));
    EXPECT_EQ(files.compress, std::vector<ContentCoding>{ContentCoding::zstd});
    EXPECT_EQ(files.compress_min_size, 4096u);
    const StaticFiles& empty = config.routes[1].static_files;
    EXPECT_EQ(empty.root, ".");
    EXPECT_TRUE(empty.index.empty());
    EXPECT_TRUE(empty.precompressed.empty());
    EXPECT_TRUE(empty.compress.empty());
    EXPECT_EQ(empty.compress_min_size, 0u);
}

TEST(StaticRoute, ReadsTheKeywordsAndFlags) {
    EXPECT_EQ(load_static_clean("dotfiles = \"deny\"\n").dotfiles, Dotfiles::deny);
    EXPECT_EQ(load_static_clean("dotfiles = \"allow\"\n").dotfiles, Dotfiles::allow);
    EXPECT_EQ(load_static_clean("symlinks = \"inside_root\"\n").symlinks, Symlinks::inside_root);
    EXPECT_EQ(load_static_clean("symlinks = \"deny\"\n").symlinks, Symlinks::deny);
    EXPECT_FALSE(load_static_clean("list_directories = false\n").list_directories);
    EXPECT_TRUE(load_static_clean("list_directories = true\n").list_directories);
    EXPECT_EQ(load_static_clean("compress_min_size = 100\n").compress_min_size, 100u);
    EXPECT_EQ(load_static_clean("compress_min_size = \"1MB\"\n").compress_min_size, 1'000'000u);
    EXPECT_EQ(load_static_clean("fallback = \".app/index.html\"\n").fallback, ".app/index.html");
    EXPECT_EQ(load_static_clean("fallback = \"\"\n").fallback, "");
    EXPECT_EQ(load_static_clean("cache_control = \"public, max-age=60\"\n").cache_control,
              "public, max-age=60");
}

TEST(StaticRoute, RequiresRoot) {
    EXPECT_EQ(route_errors("[[routes]]\n[routes.static]\nindex = []\n"
                           "[[routes]]\nstatic = {}\n"
                           "[[routes]]\nstatic = \"public\"\n"),
              (Errors{"t.toml:4:1: routes[0].static.root: missing; a static route needs the "
                      "directory to serve, such as root = \"/var/www/html\"",
                      "t.toml:7:10: routes[1].static.root: missing; a static route needs the "
                      "directory to serve, such as root = \"/var/www/html\"",
                      "t.toml:9:10: routes[2].static: expected a table, got string"}));
}

TEST(StaticRoute, RequiresRootToBeAnExistingDirectory) {
    const TempDir dir;
    const std::string file = dir.make_file("file.txt");
    const std::string missing = dir.path() + "/missing";
    EXPECT_EQ(
        route_errors("[[routes]]\nstatic.root = \"" + missing + "\"\n" +
                     "[[routes]]\nstatic.root = \"" + file + "\"\n" +
                     "[[routes]]\nstatic.root = \"" + file + "/x\"\n" +
                     "[[routes]]\nstatic.root = \"\"\n"
                     "[[routes]]\nstatic.root = \"a\\u0000b\"\n"
                     "[[routes]]\nstatic.root = [\"/\"]\n"),
        (Errors{
            "t.toml:4:15: routes[0].static.root: cannot access \"" + missing +
                "\": No such file or directory",
            "t.toml:6:15: routes[1].static.root: \"" + file + "\" is not a directory",
            "t.toml:8:15: routes[2].static.root: cannot access \"" + file + "/x\": Not a directory",
            "t.toml:10:15: routes[3].static.root: must not be empty; give the directory to "
            "serve, such as \"public\"",
            "t.toml:12:15: routes[4].static.root: a directory path cannot contain NUL",
            "t.toml:14:15: routes[5].static.root: expected a string, got array"}));
}

TEST(StaticRoute, NamesTheWorkingDirectoryForARelativeRoot) {
    EXPECT_EQ(load_routes_clean("[[routes]]\nstatic.root = \".\"\n").routes.at(0).static_files.root,
              ".");
    EXPECT_EQ(route_errors("[[routes]]\nstatic.root = \"no-such-directory-here\"\n"),
              Errors{"t.toml:4:15: routes[0].static.root: cannot access "
                     "\"no-such-directory-here\" (relative to the working directory " +
                     toml_string(working_directory()) + "): No such file or directory"});
}

TEST(StaticRoute, ChecksIndexNames) {
    EXPECT_EQ(
        static_errors("index = [\"a/b\", \".\", \"..\", \"\", \"i.html\", \"i.html\", 5, "
                      "\"x\\u0001\"]\n"
                      "[[routes]]\nstatic = { root = \"/\", index = \"index.html\" }\n"),
        (Errors{"t.toml:6:10: routes[0].static.index[0]: index file name \"a/b\" must not contain "
                "\"/\"; it names a file inside the requested directory",
                "t.toml:6:17: routes[0].static.index[1]: \".\" is not a file name",
                "t.toml:6:22: routes[0].static.index[2]: \"..\" is not a file name",
                "t.toml:6:28: routes[0].static.index[3]: an index file name must not be empty",
                "t.toml:6:42: routes[0].static.index[5]: duplicate index file \"i.html\" "
                "(already at [4])",
                "t.toml:6:52: routes[0].static.index[6]: expected a string, got integer",
                "t.toml:6:55: routes[0].static.index[7]: index file name \"x\\u0001\" must not "
                "contain control characters",
                "t.toml:8:32: routes[1].static.index: expected an array of file names like "
                "[\"index.html\"], got string"}));
}

TEST(StaticRoute, ChecksFallback) {
    EXPECT_EQ(static_errors("fallback = \"/index.html\"\n"),
              Errors{"t.toml:6:12: routes[0].static.fallback: must be relative to root, such as "
                     "\"index.html\", got \"/index.html\""});
    for (std::string_view bad : {"..", "../index.html", "app/../../x", "a/.."}) {
        EXPECT_EQ(static_errors("fallback = \"" + std::string(bad) + "\"\n"),
                  Errors{"t.toml:6:12: routes[0].static.fallback: must not contain a \"..\" "
                         "segment; the fallback stays beneath root"})
            << bad;
    }
    EXPECT_EQ(static_errors("fallback = \"app/\"\n"),
              Errors{"t.toml:6:12: routes[0].static.fallback: must name a file, not a directory, "
                     "got \"app/\""});
    EXPECT_EQ(static_errors("fallback = \"a\\nb\"\n"),
              Errors{"t.toml:6:12: routes[0].static.fallback: a file path must not contain "
                     "control characters"});
    EXPECT_EQ(static_errors("fallback = true\n"),
              Errors{"t.toml:6:12: routes[0].static.fallback: expected a string, got boolean"});
    // "..." and "..x" are file names, not parent segments.
    EXPECT_EQ(load_static_clean("fallback = \"..x/...\"\n").fallback, "..x/...");
}

TEST(StaticRoute, ChecksKeywordsAndFlags) {
    EXPECT_EQ(
        static_errors("dotfiles = \"Deny\"\nsymlinks = \"inside-root\"\nlist_directories = "
                      "\"yes\"\n[[routes]]\nstatic = { root = \"/\", dotfiles = \"hide\", "
                      "symlinks = \"follow\", list_directories = 1 }\n"),
        (Errors{"t.toml:6:12: routes[0].static.dotfiles: expected \"deny\" or \"allow\", got "
                "\"Deny\"; did you mean \"deny\"?",
                "t.toml:7:12: routes[0].static.symlinks: expected \"inside_root\" or \"deny\", "
                "got \"inside-root\"; did you mean \"inside_root\"?",
                "t.toml:8:20: routes[0].static.list_directories: expected a boolean (true or "
                "false), got string",
                "t.toml:10:35: routes[1].static.dotfiles: expected \"deny\" or \"allow\", got "
                "\"hide\"",
                "t.toml:10:54: routes[1].static.symlinks: expected \"inside_root\" or \"deny\", "
                "got \"follow\"",
                "t.toml:10:83: routes[1].static.list_directories: expected a boolean (true or "
                "false), got integer"}));
}

TEST(StaticRoute, ChecksContentCodings) {
    EXPECT_EQ(
        static_errors("precompressed = [\"br\", \"gzip\", \"br\", \"brotli\", \"GZIP\"]\n"
                      "compress = [\"gz\", \"zst\", \"deflate\", \"zstandard\", 1, \"x-gzip\"]\n"
                      "[[routes]]\nstatic = { root = \"/\", compress = \"gzip\", precompressed "
                      "= [\"zstd\", \"zstd\"] }\n"),
        (Errors{"t.toml:6:32: routes[0].static.precompressed[2]: duplicate content coding \"br\" "
                "(already at [0])",
                "t.toml:6:38: routes[0].static.precompressed[3]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"brotli\"; did you mean \"br\"?",
                "t.toml:6:48: routes[0].static.precompressed[4]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"GZIP\"; did you mean \"gzip\"?",
                "t.toml:7:13: routes[0].static.compress[0]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"gz\"; did you mean \"gzip\"?",
                "t.toml:7:19: routes[0].static.compress[1]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"zst\"; did you mean \"zstd\"?",
                "t.toml:7:26: routes[0].static.compress[2]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"deflate\"",
                "t.toml:7:37: routes[0].static.compress[3]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"zstandard\"; did you mean \"zstd\"?",
                "t.toml:7:50: routes[0].static.compress[4]: expected a string, got integer",
                "t.toml:7:53: routes[0].static.compress[5]: expected \"br\", \"zstd\" or "
                "\"gzip\", got \"x-gzip\"; did you mean \"gzip\"?",
                "t.toml:9:35: routes[1].static.compress: expected an array of content codings "
                "like [\"br\", \"zstd\", \"gzip\"], got string",
                "t.toml:9:68: routes[1].static.precompressed[1]: duplicate content coding "
                "\"zstd\" (already at [0])"}));
}

TEST(StaticRoute, ChecksCacheControlAndCompressMinSize) {
    EXPECT_EQ(
        static_errors("cache_control = \"no-cache\\r\\nx: y\"\ncompress_min_size = -1\n"
                      "[[routes]]\nstatic = { root = \"/\", cache_control = \" public\", "
                      "compress_min_size = \"1.5KiB\" }\n"
                      "[[routes]]\nstatic = { root = \"/\", cache_control = 60, "
                      "compress_min_size = 1.0 }\n"
                      "[[routes]]\nstatic = { root = \"/\", cache_control = \"a\\tb\" }\n"),
        (Errors{"t.toml:6:17: routes[0].static.cache_control: header value must not contain "
                "control characters (found CR)",
                "t.toml:7:21: routes[0].static.compress_min_size: a size cannot be negative, got "
                "-1",
                "t.toml:9:40: routes[1].static.cache_control: header value must not start or end "
                "with whitespace",
                "t.toml:9:71: routes[1].static.compress_min_size: fractional sizes are not "
                "supported; write \"1536B\"",
                "t.toml:11:40: routes[2].static.cache_control: expected a string, got integer",
                "t.toml:11:64: routes[2].static.compress_min_size: expected a size like \"8KiB\" "
                "or an integer number of bytes, got float",
                "t.toml:13:40: routes[3].static.cache_control: header value must not contain "
                "control characters (found HTAB)"}));
}

TEST(StaticRoute, TakesStripPrefixButNotTheProxyKeys) {
    EXPECT_EQ(route_errors(R"([[routes]]
static.root = "/"
strip_prefix = "/assets"
add_prefix = "/v2"
request_headers.set = { "x-a" = "1" }
response_headers.set = { "x-b" = "2" }
[[routes]]
static.root = "/"
strip_prefix = "assets"
)"),
              (Errors{"t.toml:6:14: routes[0].add_prefix: only allowed in a route with proxy; "
                      "this route has static",
                      "t.toml:7:1: routes[0].request_headers: only allowed in a route with proxy; "
                      "this route has static",
                      "t.toml:11:16: routes[1].strip_prefix: must start with \"/\", got "
                      "\"assets\""}));
}

TEST(StaticRoute, ReportsUnknownKeysWithSuggestions) {
    EXPECT_EQ(static_errors("indx = []\ndotfile = \"allow\"\nprecompress = []\n"
                            "compression = []\nroot_dir = \"/\"\n"),
              (Errors{"t.toml:6:1: routes[0].static.indx: unknown key \"indx\"; did you mean "
                      "\"index\"?",
                      "t.toml:7:1: routes[0].static.dotfile: unknown key \"dotfile\"; did you "
                      "mean \"dotfiles\"?",
                      "t.toml:8:1: routes[0].static.precompress: unknown key \"precompress\"; did "
                      "you mean \"precompressed\"?",
                      "t.toml:9:1: routes[0].static.compression: unknown key \"compression\"",
                      "t.toml:10:1: routes[0].static.root_dir: unknown key \"root_dir\""}));
    EXPECT_EQ(route_errors("[[routes]]\nstatc.root = \"/\"\n"),
              (Errors{"t.toml:3:1: routes[0]: a route needs exactly one of respond, proxy, "
                      "redirect, static",
                      "t.toml:4:1: routes[0].statc: unknown key \"statc\"; did you mean "
                      "\"static\"?"}));
}

}  // namespace
}  // namespace ringwall::config
