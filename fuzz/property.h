// fuzz/property.h: how the files-layer fuzz targets report a broken property: the
// property, then the input with unprintable bytes escaped, then abort for libFuzzer.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ringwall::fuzzing {

inline std::string escape(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out.push_back(static_cast<char>(c));
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out.append(hex);
        }
    }
    return out;
}

[[noreturn]] inline void broken(const char* what, std::string_view input,
                                std::string_view detail = {}) {
    std::fprintf(stderr, "PROPERTY BROKEN: %s\n  input: \"%s\"\n  detail: \"%s\"\n", what,
                 escape(input).c_str(), escape(detail).c_str());
    std::abort();
}

inline void check(bool ok, const char* what, std::string_view input, std::string_view detail = {}) {
    if (!ok) {
        broken(what, input, detail);
    }
}

}  // namespace ringwall::fuzzing
