// src/proxy/redirect.h: the redirect action's Location template and note (RFC 9110 §15.4).
#pragma once

#include <string>
#include <string_view>

namespace ringwall::proxy {

struct LocationParts {
    std::string_view scheme = "http";
    std::string_view host;   // the request's host, without port
    std::string_view path;
    std::string_view query;  // without '?'
};

// Replaces {scheme} {host} {path} {query} {request_uri} (path, plus '?' and the query when
// there is one) in `location_template`; any other text is copied as it is. The template was
// checked at load (config::location_error), and request parts hold no CR, LF or NUL (the
// parser refuses them), so the result is a safe field value.
std::string expand_location(std::string_view location_template, const LocationParts& parts);

// The largest note redirect_note returns.
inline constexpr std::size_t redirect_note_limit = 1024;

// The short hypertext note RFC 9110 §15.4 suggests: a line of HTML with a link to
// `location`, escaped; without the link when that would pass redirect_note_limit.
std::string redirect_note(std::string_view location);

}  // namespace ringwall::proxy
