// src/proxy/error_page.h: the body of an error the proxy produces (502, 503, 504), as JSON
// or HTML, whichever the client's Accept prefers (RFC 9110 §12.5.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringwall::proxy {

struct ErrorPage {
    std::string_view content_type;  // static text
    std::string body;
};

// True when `accept` gives application/json a higher weight than text/html (the most
// specific matching range decides each type's weight; a missing Accept prefers HTML).
bool prefers_json(std::string_view accept) noexcept;

// {"status":502,"error":"bad gateway","detail":"..."} or a small HTML page; `detail` is
// escaped for either.
ErrorPage make_error_page(std::uint16_t status, std::string_view detail, std::string_view accept);

}  // namespace ringwall::proxy
