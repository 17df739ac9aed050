// Tests that the gzip output is a plain RFC 1952 member, as gzip(1) and browsers expect.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "compress/compress.h"
#include "compress/sample_bodies.h"

namespace ringwall::compress {
namespace {

TEST(GzipFormat, StartsWithTheGzipMagicAndDeflateMethod) {
    const std::optional<std::string> stream = compress(Coding::gzip, "hello", Level::cached);
    ASSERT_TRUE(stream.has_value());
    ASSERT_GE(stream->size(), 18u);  // 10-byte header, deflate data, 8-byte trailer
    EXPECT_EQ(static_cast<unsigned char>((*stream)[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>((*stream)[1]), 0x8b);
    EXPECT_EQ((*stream)[2], 8);  // CM = deflate
    EXPECT_EQ((*stream)[3], 0);  // FLG: no name, comment or extra field to trip a decoder
}

// Runs /bin/gzip -dc on `stream` and returns what it printed, or nullopt if it failed.
std::optional<std::string> gunzip_with_cli(const std::string& stream, const std::string& name) {
    const std::string path = ::testing::TempDir() + "ringwall_compress_" + name + ".gz";
    {
        std::ofstream out(path, std::ios::binary);
        out.write(stream.data(), static_cast<std::streamsize>(stream.size()));
        if (!out) {
            return std::nullopt;
        }
    }
    FILE* pipe = ::popen(("/bin/gzip -dc '" + path + "'").c_str(), "r");
    if (pipe == nullptr) {
        return std::nullopt;
    }
    std::string decoded;
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
        decoded.append(buf, n);
    }
    const int status = ::pclose(pipe);
    std::remove(path.c_str());
    if (status != 0) {
        return std::nullopt;
    }
    return decoded;
}

TEST(GzipFormat, DecodesWithTheGzipCommand) {
    if (::access("/bin/gzip", X_OK) != 0) {
        GTEST_SKIP() << "/bin/gzip is not installed";
    }
    struct Case {
        std::string name;
        std::string body;
    };
    const Case cases[] = {
        {"empty", ""}, {"tiny", "<!doctype html>\n"}, {"text", testing::text_like(testing::mib)}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const std::optional<std::string> stream = compress(Coding::gzip, c.body, Level::cached);
        ASSERT_TRUE(stream.has_value());
        const std::optional<std::string> decoded = gunzip_with_cli(*stream, c.name);
        ASSERT_TRUE(decoded.has_value());
        EXPECT_TRUE(*decoded == c.body);
    }
}

}  // namespace
}  // namespace ringwall::compress
