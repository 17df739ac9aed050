// src/files/accept_encoding.cc: Accept-Encoding weights and the coding choice.
#include "files/accept_encoding.h"

#include "files/field_text.h"
#include "util/ascii.h"

namespace ringwall::files {

namespace {

struct Element {
    std::string_view coding;
    unsigned q = 1000;
};

// codings [ weight ], weight = OWS ";" OWS "q=" qvalue. nullopt when malformed.
std::optional<Element> read_element(std::string_view element) noexcept {
    const std::size_t semicolon = element.find(';');
    const std::string_view name = trim_ows(element.substr(0, semicolon));
    if (!is_token(name)) {
        return std::nullopt;
    }
    Element out{.coding = util::iequals(name, "x-gzip") ? std::string_view("gzip") : name};
    if (semicolon == std::string_view::npos) {
        return out;
    }
    const std::string_view weight = trim_ows(element.substr(semicolon + 1));
    if (weight.size() < 2 || util::to_lower(weight[0]) != 'q' || weight[1] != '=') {
        return std::nullopt;
    }
    const std::optional<unsigned> q = parse_qvalue(weight.substr(2));
    if (!q) {
        return std::nullopt;
    }
    out.q = *q;
    return out;
}

template <typename Fn>
void for_each_element(std::string_view field, Fn&& fn) {
    for_each_list_element(field, [&fn](std::string_view element) {
        if (element.empty()) {
            return;
        }
        if (const std::optional<Element> e = read_element(element)) {
            fn(*e);
        }
    });
}

// The q of the first well-formed element naming `coding` itself (not through "*").
std::optional<unsigned> explicit_q(std::string_view field, std::string_view coding) noexcept {
    std::optional<unsigned> q;
    for_each_element(field, [&](const Element& e) {
        if (!q && util::iequals(e.coding, coding)) {
            q = e.q;
        }
    });
    return q;
}

}  // namespace

std::optional<unsigned> parse_qvalue(std::string_view text) noexcept {
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (text.empty() || (text[0] != '0' && text[0] != '1')) {
        return std::nullopt;
    }
    const unsigned units = static_cast<unsigned>(text[0] - '0');
    if (text.size() == 1) {
        return units * 1000;
    }
    const std::string_view fraction = text.substr(2);
    if (text[1] != '.' || fraction.size() > 3) {
        return std::nullopt;
    }
    unsigned thousandths = 0;
    unsigned scale = 100;
    for (char c : fraction) {
        if (!is_digit(c) || (units == 1 && c != '0')) {
            return std::nullopt;
        }
        thousandths += static_cast<unsigned>(c - '0') * scale;
        scale /= 10;
    }
    return units * 1000 + thousandths;
}

EncodingChoice choose_encoding(std::optional<std::string_view> accept_encoding,
                               std::span<const std::string_view> available) noexcept {
    EncodingChoice choice;
    if (!accept_encoding) {
        return choice;
    }
    const std::string_view field = *accept_encoding;
    const std::optional<unsigned> star = explicit_q(field, "*");
    const std::optional<unsigned> identity = explicit_q(field, identity_coding);
    const std::optional<unsigned> identity_q = identity ? identity : star;
    choice.identity_refused = identity_q == 0u;

    unsigned best_q = 0;
    for (std::string_view coding : available) {
        if (coding == identity_coding) {
            continue;
        }
        const std::optional<unsigned> q = explicit_q(field, coding);
        const unsigned weight = q ? *q : star.value_or(0);
        if (weight > best_q) {
            best_q = weight;
            choice.coding = coding;
        }
    }
    if (identity_q && *identity_q > best_q) {
        choice.coding = identity_coding;
    }
    return choice;
}

}  // namespace ringwall::files
