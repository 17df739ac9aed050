// src/http1/serializer.cc: HTTP/1.1 head and chunk writer with injection checks.
#include "http1/serializer.h"

#include <cstring>

#include "http1/field_rules.h"

namespace ringwall::http1 {

namespace {

bool append_fields(std::string& out, std::span<const Field> fields) {
    // Checked and measured first, then copied with one resize: appending piece by piece
    // cost more than the checks.
    std::size_t size = 2;
    for (const Field& field : fields) {
        if (!is_token(field.name) || !is_field_value(field.value)) {
            return false;
        }
        size += field.name.size() + field.value.size() + 4;
    }
    const std::size_t at = out.size();
    out.resize(at + size);
    char* p = out.data() + at;
    const auto put = [&p](std::string_view bytes) {
        if (!bytes.empty()) {  // an empty value's data() may be null, which memcpy must not get
            std::memcpy(p, bytes.data(), bytes.size());
            p += bytes.size();
        }
    };
    for (const Field& field : fields) {
        put(field.name);
        put(": ");
        put(field.value);
        put("\r\n");
    }
    put("\r\n");
    return true;
}

bool is_request_target(std::string_view target) noexcept {
    if (target.empty()) {
        return false;
    }
    for (char c : target) {
        if (!has_class(c, byte_class::target)) {
            return false;
        }
    }
    return true;
}

// Appends, or restores `out` and says no: the caller never sees half a head.
template <typename Write>
bool append_or_rollback(std::string& out, Write write) {
    const std::size_t size = out.size();
    if (!write()) {
        out.resize(size);
        return false;
    }
    return true;
}

}  // namespace

std::string_view reason_phrase(std::uint16_t status) noexcept {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 103: return "Early Hints";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 203: return "Non-Authoritative Information";
        case 204: return "No Content";
        case 205: return "Reset Content";
        case 206: return "Partial Content";
        case 300: return "Multiple Choices";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 402: return "Payment Required";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 407: return "Proxy Authentication Required";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 416: return "Range Not Satisfiable";
        case 417: return "Expectation Failed";
        case 421: return "Misdirected Request";
        case 422: return "Unprocessable Content";
        case 425: return "Too Early";
        case 426: return "Upgrade Required";
        case 428: return "Precondition Required";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 451: return "Unavailable For Legal Reasons";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        case 511: return "Network Authentication Required";
        default: return {};
    }
}

bool append_response_head(std::string& out, std::uint16_t status, std::span<const Field> fields) {
    if (status < 100 || status > 999) {
        return false;
    }
    return append_or_rollback(out, [&] {
        const char code[3] = {static_cast<char>('0' + status / 100),
                              static_cast<char>('0' + status / 10 % 10),
                              static_cast<char>('0' + status % 10)};
        out.append("HTTP/1.1 ");
        out.append(code, 3);
        out.push_back(' ');
        out.append(reason_phrase(status));
        out.append("\r\n");
        return append_fields(out, fields);
    });
}

bool append_request_head(std::string& out, std::string_view method, std::string_view target,
                         std::span<const Field> fields) {
    if (!is_token(method) || !is_request_target(target)) {
        return false;
    }
    return append_or_rollback(out, [&] {
        out.append(method);
        out.push_back(' ');
        out.append(target);
        out.append(" HTTP/1.1\r\n");
        return append_fields(out, fields);
    });
}

void append_chunk(std::string& out, std::string_view data) {
    if (data.empty()) {
        return;
    }
    char hex[16];
    std::size_t n = 0;
    for (std::size_t size = data.size(); size != 0; size >>= 4) {
        hex[n++] = "0123456789abcdef"[size & 0xf];
    }
    while (n != 0) {
        out.push_back(hex[--n]);
    }
    out.append("\r\n");
    out.append(data);
    out.append("\r\n");
}

bool append_last_chunk(std::string& out, std::span<const Field> trailers) {
    return append_or_rollback(out, [&] {
        out.append("0\r\n");
        return append_fields(out, trailers);
    });
}

}  // namespace ringwall::http1
