// src/config/path_regex.cc: PCRE2 compilation of route regular expressions.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "config/path_regex.h"

#include <pcre2.h>

#include <array>
#include <memory>

#include "config/toml_text.h"

namespace ringwall::config {
namespace {

struct CodeDeleter {
    void operator()(pcre2_code* code) const noexcept { pcre2_code_free(code); }
};

std::string error_text(int code) {
    std::array<PCRE2_UCHAR, 256> buffer{};
    const int n = pcre2_get_error_message(code, buffer.data(), buffer.size());
    if (n < 0) {
        return "PCRE2 error " + std::to_string(code);
    }
    return std::string(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(n));
}

}  // namespace

std::string path_regex_error(std::string_view pattern) {
    if (pattern.empty()) {
        return "must not be empty; leave out path_regex to match every path";
    }
    int code = 0;
    PCRE2_SIZE offset = 0;
    const std::unique_ptr<pcre2_code, CodeDeleter> compiled(
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &code,
                      &offset, nullptr));
    if (!compiled) {
        return "invalid regular expression at column " +
               std::to_string(column_at(pattern, offset)) + " of the pattern: " + error_text(code);
    }
    const int jit = pcre2_jit_compile(compiled.get(), PCRE2_JIT_COMPLETE);
    // Without JIT support (PCRE2_ERROR_JIT_BADOPTION) the interpreter matches instead.
    if (jit != 0 && jit != PCRE2_ERROR_JIT_BADOPTION) {
        return "regular expression cannot be JIT-compiled: " + error_text(jit);
    }
    return {};
}

}  // namespace ringwall::config
