// src/config/path_regex.h: checking a route's path_regex with the PCRE2 library.
#pragma once

#include <string>
#include <string_view>

namespace ringwall::config {

// Compiles `pattern` with PCRE2 (default options, so bytes are matched, not UTF-8 code
// points) and JIT-compiles it where the platform supports JIT, the way routes will run
// it. Returns why it is refused, as a Diagnostic message naming PCRE2's reason and the
// 1-based column in the pattern ("invalid regular expression at column 6 of the pattern:
// missing closing parenthesis"), or "" when it is fine.
std::string path_regex_error(std::string_view pattern);

}  // namespace ringwall::config
