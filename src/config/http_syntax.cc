// src/config/http_syntax.cc: host, path and field syntax checks for routes.
#include "config/http_syntax.h"

#include <arpa/inet.h>

#include <array>
#include <cstdio>

#include "config/toml_text.h"
#include "util/ascii.h"

namespace ringwall::config {
namespace {

constexpr bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr bool is_tchar(char c) noexcept {
    return is_alpha(c) || is_digit(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 3986 pchar without pct-encoded, plus '/'.
constexpr bool is_path_char(char c) noexcept {
    return is_alpha(c) || is_digit(c) ||
           std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
}

unsigned byte_value(char c) noexcept {
    return static_cast<unsigned char>(c);
}

// "%C3": the percent-encoding of one byte.
std::string percent_encoded(char c) {
    char out[4];
    std::snprintf(out, sizeof out, "%%%02X", byte_value(c));
    return out;
}

// `character "x"` for printable ASCII, else `byte 0xC3`.
std::string describe_byte(char c) {
    if (byte_value(c) >= 0x20 && byte_value(c) < 0x7f) {
        return "character " + toml_string(std::string(1, c));
    }
    char out[8];
    std::snprintf(out, sizeof out, "0x%02X", byte_value(c));
    return std::string("byte ") + out;
}

// "CR", "LF", "NUL", "HTAB", else as describe_byte.
std::string describe_control(char c) {
    switch (c) {
        case '\r':
            return "CR";
        case '\n':
            return "LF";
        case '\0':
            return "NUL";
        case '\t':
            return "HTAB";
        default:
            return describe_byte(c);
    }
}

// RFC 1123 host name: labels of letters, digits and '-', not starting or ending with '-'.
std::string host_name_error(std::string_view host, std::string_view text) {
    if (host.size() > 253) {
        return "host " + toml_string(text) + " is longer than 253 characters";
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = host.find('.', start);
        const std::string_view label = host.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty()) {
            return "host " + toml_string(text) + " has an empty label";
        }
        if (label.size() > 63) {
            return "host " + toml_string(text) + " has a label longer than 63 characters";
        }
        for (char c : label) {
            if (!is_alpha(c) && !is_digit(c) && c != '-') {
                return "host " + toml_string(text) + " contains " + toml_string(std::string(1, c)) +
                       "; host names hold letters, digits, '-' and '.'";
            }
        }
        if (label.front() == '-' || label.back() == '-') {
            return "host " + toml_string(text) + " has a label starting or ending with '-'";
        }
        if (dot == std::string_view::npos) {
            return {};
        }
        start = dot + 1;
    }
}

}  // namespace

bool is_token(std::string_view text) noexcept {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (!is_tchar(c)) {
            return false;
        }
    }
    return true;
}

std::string host_pattern_error(std::string_view text) {
    if (text.empty()) {
        return "host is empty";
    }
    if (text == "*") {
        return "\"*\" is not a host; leave out hosts to match every host";
    }
    if (text.front() == '[') {
        std::array<unsigned char, 16> bytes{};
        const std::string inner(text.substr(1, text.size() - 2));
        if (text.back() != ']' || inet_pton(AF_INET6, inner.c_str(), bytes.data()) != 1) {
            return "host " + toml_string(text) + " is not a valid bracketed IPv6 address";
        }
        return {};
    }
    if (text.find(':') != std::string_view::npos) {
        return "host " + toml_string(text) +
               " must not include a port (hosts match whatever the port) nor be an unbracketed "
               "IPv6 address";
    }
    if (text.back() == '.') {
        return "host " + toml_string(text) + " must not end with a dot";
    }
    std::string_view name = text;
    if (name.starts_with("*.")) {
        name.remove_prefix(2);
    }
    if (name.find('*') != std::string_view::npos) {
        return "host " + toml_string(text) +
               ": a wildcard is only allowed as a leading \"*.\", as in \"*.example.com\"";
    }
    return host_name_error(name, text);
}

std::string path_error(std::string_view text) {
    if (text.empty() || text.front() != '/') {
        return "must start with \"/\", got " + toml_string(text);
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '?' || c == '#') {
            return std::string("must not contain a ") + (c == '?' ? "query" : "fragment") + " (" +
                   toml_string(std::string(1, c)) + "); routes match the path only";
        }
        if (c == '%') {
            if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
                return "\"%\" must be followed by two hex digits in " + toml_string(text);
            }
            continue;
        }
        if (!is_path_char(c)) {
            return describe_byte(c) + " is not allowed in a path; percent-encode it as " +
                   toml_string(percent_encoded(c));
        }
    }
    std::size_t start = 1;
    while (start <= text.size()) {
        std::size_t slash = text.find('/', start);
        if (slash == std::string_view::npos) {
            slash = text.size();
        }
        const std::string_view segment = text.substr(start, slash - start);
        if (segment == "." || segment == "..") {
            return "must not contain a " + toml_string(segment) +
                   " segment; requests are matched after their path is normalized";
        }
        start = slash + 1;
    }
    return {};
}

std::string request_target_error(std::string_view text) {
    if (!text.starts_with('/')) {
        return path_error(text);
    }
    if (text.find('#') != std::string_view::npos) {
        return "must not contain a fragment (\"#\")";
    }
    const std::size_t question = text.find('?');
    std::string problem = path_error(text.substr(0, question));
    if (!problem.empty() || question == std::string_view::npos) {
        return problem;
    }
    for (std::size_t i = question + 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
                return "\"%\" must be followed by two hex digits in " + toml_string(text);
            }
            continue;
        }
        if (!is_path_char(c) && c != '?') {
            return describe_byte(c) + " is not allowed in a query; percent-encode it as " +
                   toml_string(percent_encoded(c));
        }
    }
    return {};
}

std::string query_parameter_error(std::string_view text, bool is_name) {
    const std::string_view what = is_name ? "query parameter name" : "query parameter value";
    if (is_name && text.empty()) {
        return "a query parameter name must not be empty";
    }
    for (char c : text) {
        // What a request target may hold (visible ASCII but '#'), less the separators.
        const bool visible = byte_value(c) > 0x20 && byte_value(c) < 0x7f;
        if (!visible || c == '#' || c == '&' || (is_name && c == '=')) {
            return describe_byte(c) + " is not allowed in a " + std::string(what) +
                   "; percent-encode it as " + toml_string(percent_encoded(c));
        }
    }
    return {};
}

std::string field_name_error(std::string_view name) {
    if (!is_token(name)) {
        return "header name " + toml_string(name) + " is not a valid token";
    }
    constexpr std::array<std::string_view, 2> framing{"content-length", "transfer-encoding"};
    for (std::string_view owned : framing) {
        if (util::iequals(name, owned)) {
            return "header " + toml_string(name) +
                   " is not allowed: the server frames the body itself";
        }
    }
    // RFC 9113 §8.2.2 and RFC 9114 §4.2: connection-specific fields make an HTTP/2 or
    // HTTP/3 response malformed, and on HTTP/1.1 the server decides about the connection.
    constexpr std::array<std::string_view, 5> connection{"connection", "keep-alive",
                                                         "proxy-connection", "upgrade", "te"};
    for (std::string_view owned : connection) {
        if (util::iequals(name, owned)) {
            return "header " + toml_string(name) +
                   " is not allowed: the server manages the connection itself";
        }
    }
    return {};
}

std::string field_value_error(std::string_view value) {
    for (char c : value) {
        if ((byte_value(c) < 0x20 && c != '\t') || byte_value(c) == 0x7f) {
            return "header value must not contain control characters (found " +
                   describe_control(c) + ")";
        }
    }
    if (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                           value.back() == '\t')) {
        return "header value must not start or end with whitespace";
    }
    return {};
}

std::string media_type_error(std::string_view text) {
    const std::string quoted = toml_string(text);
    for (char c : text) {
        if (byte_value(c) < 0x20 || byte_value(c) == 0x7f) {
            return "media type " + quoted + " must not contain control characters (found " +
                   describe_control(c) + ")";
        }
    }
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return "expected a media type like \"text/html\", got " + quoted;
    }
    const std::string_view type = text.substr(0, slash);
    std::size_t end = slash + 1;
    while (end < text.size() && is_tchar(text[end])) {
        ++end;
    }
    const std::string_view subtype = text.substr(slash + 1, end - slash - 1);
    if (!is_token(type) || subtype.empty()) {
        return "expected a media type like \"text/html\", got " + quoted;
    }
    const auto skip_spaces = [&](std::size_t i) {
        while (i < text.size() && text[i] == ' ') {
            ++i;
        }
        return i;
    };
    const std::string bad_parameters =
        "media type " + quoted +
        ": parameters must look like \"; name=value\", as in \"text/html; charset=utf-8\"";
    std::size_t i = skip_spaces(end);
    if (i == end && i < text.size() && text[i] != ';') {
        return "media type " + quoted + ": " + describe_byte(text[i]) +
               " is not allowed in a subtype";
    }
    while (i < text.size()) {
        if (text[i] != ';') {
            return bad_parameters;
        }
        i = skip_spaces(i + 1);
        const std::size_t name_start = i;
        while (i < text.size() && is_tchar(text[i])) {
            ++i;
        }
        if (i == name_start || i == text.size() || text[i] != '=') {
            return bad_parameters;
        }
        ++i;
        if (i < text.size() && text[i] == '"') {
            // quoted-string: qdtext or a backslash followed by any visible character
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && ++i == text.size()) {
                    break;
                }
            }
            if (i == text.size()) {
                return "media type " + quoted + ": unclosed quoted parameter value";
            }
            ++i;
        } else {
            const std::size_t value_start = i;
            while (i < text.size() && is_tchar(text[i])) {
                ++i;
            }
            if (i == value_start) {
                return bad_parameters;
            }
        }
        i = skip_spaces(i);
    }
    return {};
}

}  // namespace ringwall::config
