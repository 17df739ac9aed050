// src/config/toml_text.h: TOML spellings of keys and strings, for output and key paths.
#pragma once

#include <string>
#include <string_view>

namespace ringwall::config {

// A TOML basic string with its quotes: "a\"b\n". Control characters are escaped;
// other bytes, UTF-8 included, are copied.
std::string toml_string(std::string_view text);

// `key` bare when TOML allows it (letters, digits, '_' and '-'), else as a basic string.
std::string toml_key(std::string_view key);

// The 1-based column of byte `offset` of UTF-8 `text`, counting code points as toml++
// counts columns: column_at("é{x", 2) is 2.
std::size_t column_at(std::string_view text, std::size_t offset);

}  // namespace ringwall::config
