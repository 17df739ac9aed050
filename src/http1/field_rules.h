// src/http1/field_rules.h: RFC 9110/3986 byte classes and small value grammars for HTTP/1.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ringwall::http1 {

namespace byte_class {
inline constexpr std::uint8_t tchar = 1;        // RFC 9110 §5.6.2 token characters
inline constexpr std::uint8_t field_char = 2;   // field-vchar / SP / HTAB: allowed in a value
inline constexpr std::uint8_t target = 4;       // request-target: visible ASCII except '#'
inline constexpr std::uint8_t hexdig = 8;
inline constexpr std::uint8_t qdtext = 16;      // RFC 9110 §5.6.4, inside a quoted-string
inline constexpr std::uint8_t reg_name = 32;    // RFC 3986 unreserved / sub-delims
inline constexpr std::uint8_t scheme = 64;      // RFC 3986 scheme characters after the first
}  // namespace byte_class

namespace detail {

constexpr std::array<std::uint8_t, 256> make_byte_classes() noexcept {
    std::array<std::uint8_t, 256> table{};
    auto add = [&table](unsigned char c, std::uint8_t bits) { table[c] |= bits; };
    for (int c = 0; c < 256; ++c) {
        const auto u = static_cast<unsigned char>(c);
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (alpha || digit) {
            add(u, byte_class::tchar | byte_class::reg_name | byte_class::scheme);
        }
        if (c == '\t' || (c >= 0x20 && c <= 0x7e) || c >= 0x80) {
            add(u, byte_class::field_char);
        }
        if (c >= 0x21 && c <= 0x7e && c != '#') {
            add(u, byte_class::target);
        }
        if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
            add(u, byte_class::hexdig);
        }
        if (c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
            (c >= 0x5d && c <= 0x7e) || c >= 0x80) {
            add(u, byte_class::qdtext);
        }
    }
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) {
        add(static_cast<unsigned char>(c), byte_class::tchar);
    }
    for (char c : std::string_view("-._~!$&'()*+,;=")) {
        add(static_cast<unsigned char>(c), byte_class::reg_name);
    }
    for (char c : std::string_view("+-.")) {
        add(static_cast<unsigned char>(c), byte_class::scheme);
    }
    return table;
}

}  // namespace detail

inline constexpr std::array<std::uint8_t, 256> byte_classes = detail::make_byte_classes();

constexpr bool has_class(char c, std::uint8_t bits) noexcept {
    return (byte_classes[static_cast<unsigned char>(c)] & bits) != 0;
}
constexpr bool is_tchar(char c) noexcept { return has_class(c, byte_class::tchar); }
constexpr bool is_field_char(char c) noexcept { return has_class(c, byte_class::field_char); }
constexpr bool is_hexdig(char c) noexcept { return has_class(c, byte_class::hexdig); }
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr unsigned hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return static_cast<unsigned>(c - '0');
    }
    return static_cast<unsigned>((c | 0x20) - 'a' + 10);
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

// A field value as the serializer may emit it: no CTL but HTAB, no DEL (RFC 9110 §5.5).
constexpr bool is_field_value(std::string_view s) noexcept {
    for (char c : s) {
        if (!is_field_char(c)) {
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

// Calls fn(element) for each comma-separated element of a list value (RFC 9110 §5.6.1),
// OWS trimmed. Empty elements are passed too: each caller decides whether they are allowed.
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

// Content-Length (RFC 9110 §8.6): 1*DIGIT without sign, or a comma list of identical such
// values ("5, 5"). nullopt when malformed, overflowing uint64, or the values differ.
std::optional<std::uint64_t> parse_content_length(std::string_view value) noexcept;

// Host (RFC 9110 §7.2): uri-host [ ":" port ]; IP-literal must be an IPv6 address (no
// IPvFuture), reg-name allows pct-encoding, the port is at most 65535. An empty value is
// valid (RFC 9110 §7.2: sent when the target URI has no authority).
bool is_valid_host(std::string_view value) noexcept;

// authority-form (RFC 9112 §3.2.3, CONNECT only): uri-host ":" port, both non-empty.
bool is_valid_authority_form(std::string_view value) noexcept;

}  // namespace ringwall::http1
