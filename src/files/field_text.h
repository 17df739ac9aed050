// src/files/field_text.h: the RFC 9110 text rules the files layer reads fields with. The
// character classes, tokens and list splitting are the HTTP/1 codec's own (one definition
// of a token for the whole server); plain decimals are added here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "http1/field_rules.h"

namespace ringwall::files {

using http1::for_each_list_element;
using http1::hex_value;
using http1::is_digit;
using http1::is_hexdig;
using http1::is_ows;
using http1::is_tchar;
using http1::is_token;
using http1::trim_ows;

// 1*DIGIT with nothing else: no sign, no whitespace. nullopt when empty, when another byte
// appears, or when the value does not fit in 64 bits.
constexpr std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
    if (s.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : s) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

}  // namespace ringwall::files
