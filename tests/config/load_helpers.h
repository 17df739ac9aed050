// tests/config/load_helpers.h: short ways to load TOML text in config tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace ringwall::config::testing {

// A listener and a route: what every valid file needs. Root keys must come before it.
inline constexpr std::string_view minimal_tail = R"(
[[listeners]]
address = ":8080"

[[routes]]
[routes.respond]
status = 200
)";

// Every diagnostic of `text` loaded as "t.toml", printed with to_string().
inline std::vector<std::string> errors_of(std::string_view text) {
    std::vector<std::string> out;
    for (const Diagnostic& d : load_string(text, "t.toml").errors) {
        out.push_back(d.to_string());
    }
    return out;
}

// `head` followed by minimal_tail; head lines keep their numbers.
inline std::vector<std::string> errors_with_tail(std::string_view head) {
    return errors_of(std::string(head) + std::string(minimal_tail));
}

// The Config of a text that must load clean; a failed test and a default Config otherwise.
inline Config load_clean(std::string_view text) {
    LoadResult result = load_string(text, "t.toml");
    for (const Diagnostic& d : result.errors) {
        ADD_FAILURE() << "unexpected: " << d.to_string();
    }
    return result.config ? *result.config : Config{};
}

inline Config load_clean_with_tail(std::string_view head) {
    return load_clean(std::string(head) + std::string(minimal_tail));
}

// A fresh directory under /tmp for roots of static routes, removed with everything in it
// when the test ends.
class TempDir {
public:
    TempDir() {
        char path[] = "/tmp/ringwall_config_testXXXXXX";
        if (::mkdtemp(path) == nullptr) {
            ADD_FAILURE() << "mkdtemp failed";
        }
        path_ = path;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const noexcept { return path_; }

    // Creates `name` inside, a directory or an empty file, and returns its full path.
    std::string make_dir(std::string_view name) const {
        const std::string full = path_ + "/" + std::string(name);
        std::filesystem::create_directories(full);
        return full;
    }
    std::string make_file(std::string_view name) const {
        const std::string full = path_ + "/" + std::string(name);
        std::ofstream{full};
        return full;
    }

private:
    std::string path_;
};

}  // namespace ringwall::config::testing
