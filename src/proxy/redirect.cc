// src/proxy/redirect.cc: expanding Location templates and writing the redirect note.
#include "proxy/redirect.h"

#include <array>
#include <utility>

namespace ringwall::proxy {

std::string expand_location(std::string_view location_template, const LocationParts& parts) {
    std::string out;
    out.reserve(location_template.size() + parts.host.size() + parts.path.size() + parts.query.size());
    std::string_view rest = location_template;
    while (!rest.empty()) {
        const std::size_t open = rest.find('{');
        out += rest.substr(0, open);
        if (open == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(open);
        const std::size_t close = rest.find('}');
        const std::string_view name = rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1);
        if (name == "{scheme}") {
            out += parts.scheme;
        } else if (name == "{host}") {
            out += parts.host;
        } else if (name == "{path}") {
            out += parts.path;
        } else if (name == "{query}") {
            out += parts.query;
        } else if (name == "{request_uri}") {
            out += parts.path;
            if (!parts.query.empty()) {
                out += '?';
                out += parts.query;
            }
        } else {
            out += name;  // not a placeholder (the loader refuses these; be literal anyway)
        }
        rest.remove_prefix(name.size());
    }
    return out;
}

std::string redirect_note(std::string_view location) {
    std::string out = "<html><body>Moved to <a href=\"";
    for (const char c : location) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    out += "\">this location</a>.</body></html>\n";
    if (out.size() > redirect_note_limit) {
        return "<html><body>Moved.</body></html>\n";
    }
    return out;
}

}  // namespace ringwall::proxy
