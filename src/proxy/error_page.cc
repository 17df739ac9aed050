// src/proxy/error_page.cc: Accept negotiation between JSON and HTML error bodies.
#include "proxy/error_page.h"

#include <cctype>

#include "http1/serializer.h"
#include "util/ascii.h"

namespace ringwall::proxy {

namespace {

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

// q as thousandths (RFC 9110 §12.4.2: at most three decimals); 1000 when absent or bad.
int parse_q(std::string_view params) noexcept {
    while (!params.empty()) {
        const std::size_t semi = params.find(';');
        std::string_view param = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
        if (param.size() < 2 || util::to_lower(param[0]) != 'q' || param[1] != '=') {
            continue;
        }
        param.remove_prefix(2);
        if (param.empty() || (param[0] != '0' && param[0] != '1')) {
            return 1000;
        }
        int q = (param[0] - '0') * 1000;
        int scale = 100;
        if (param.size() > 1 && param[1] == '.') {
            for (std::size_t i = 2; i < param.size() && i < 5; ++i) {
                if (param[i] < '0' || param[i] > '9') {
                    break;
                }
                q += (param[i] - '0') * scale;
                scale /= 10;
            }
        }
        return q > 1000 ? 1000 : q;
    }
    return 1000;
}

// The weight `accept` gives type/subtype: from the most specific range that matches, or -1.
int weight_of(std::string_view accept, std::string_view type, std::string_view subtype) noexcept {
    int best_specificity = -1;
    int weight = -1;
    while (!accept.empty()) {
        const std::size_t comma = accept.find(',');
        const std::string_view item = trim(accept.substr(0, comma));
        accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
        const std::size_t semi = item.find(';');
        const std::string_view range = trim(item.substr(0, semi));
        const std::size_t slash = range.find('/');
        if (slash == std::string_view::npos) {
            continue;
        }
        const std::string_view t = range.substr(0, slash);
        const std::string_view s = range.substr(slash + 1);
        int specificity = -1;
        if (t == "*" && s == "*") {
            specificity = 0;
        } else if (util::iequals(t, type) && s == "*") {
            specificity = 1;
        } else if (util::iequals(t, type) && util::iequals(s, subtype)) {
            specificity = 2;
        }
        if (specificity > best_specificity) {
            best_specificity = specificity;
            weight = parse_q(semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1));
        }
    }
    return weight;
}

std::string_view error_word(std::uint16_t status) noexcept {
    switch (status) {
        case 502: return "bad gateway";
        case 503: return "service unavailable";
        case 504: return "gateway timeout";
        default: return "error";
    }
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[(c >> 4) & 0xf];
            out += hex[c & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_html_text(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
}

}  // namespace

bool prefers_json(std::string_view accept) noexcept {
    if (trim(accept).empty()) {
        return false;
    }
    const int json = weight_of(accept, "application", "json");
    const int html = weight_of(accept, "text", "html");
    return json > 0 && json > html;
}

ErrorPage make_error_page(std::uint16_t status, std::string_view detail, std::string_view accept) {
    ErrorPage page;
    if (prefers_json(accept)) {
        page.content_type = "application/json";
        page.body = "{\"status\":" + std::to_string(status) + ",\"error\":";
        append_json_string(page.body, error_word(status));
        page.body += ",\"detail\":";
        append_json_string(page.body, detail);
        page.body += "}\n";
        return page;
    }
    page.content_type = "text/html";
    const std::string title = std::to_string(status) + " " + std::string(http1::reason_phrase(status));
    page.body = "<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1><p>";
    append_html_text(page.body, detail);
    page.body += "</p></body></html>\n";
    return page;
}

}  // namespace ringwall::proxy
