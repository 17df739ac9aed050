// src/files/field_text.h: the few RFC 9110 text rules the files layer shares (whitespace,
// digits, tokens, list elements). Kept here rather than borrowed from src/http1 so this
// layer depends on src/util alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringwall::files {

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

constexpr bool is_hexdig(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Only meaningful when is_hexdig(c).
constexpr unsigned hex_value(char c) noexcept {
    return is_digit(c) ? static_cast<unsigned>(c - '0')
                       : static_cast<unsigned>((c | 0x20) - 'a' + 10);
}

// RFC 9110 §5.6.2 tchar.
constexpr bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!is_tchar(c)) {
            return false;
        }
    }
    return true;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

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

// Calls fn(element) for each comma-separated element of a list value (RFC 9110 §5.6.1),
// OWS trimmed, empty ones included. Not for lists whose elements may quote a comma.
template <typename Fn>
constexpr void for_each_list_element(std::string_view value, Fn&& fn) {
    for (;;) {
        const std::size_t comma = value.find(',');
        fn(trim_ows(value.substr(0, comma)));
        if (comma == std::string_view::npos) {
            return;
        }
        value.remove_prefix(comma + 1);
    }
}

}  // namespace ringwall::files
