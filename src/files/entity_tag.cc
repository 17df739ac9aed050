// src/files/entity_tag.cc: entity-tag grammar and comparison.
#include "files/entity_tag.h"

#include "files/field_text.h"

namespace ringwall::files {

namespace {

// etagc = %x21 / %x23-7E / obs-text: visible ASCII but DQUOTE, and bytes >= 0x80.
constexpr bool is_etagc(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

// The length of the entity-tag at the start of `text`, or 0 when none starts there.
std::size_t tag_length(std::string_view text) noexcept {
    std::size_t p = text.starts_with("W/") ? 2 : 0;
    if (p >= text.size() || text[p] != '"') {
        return 0;
    }
    for (++p; p < text.size(); ++p) {
        if (text[p] == '"') {
            return p + 1;
        }
        if (!is_etagc(text[p])) {
            return 0;
        }
    }
    return 0;  // no closing quote
}

EntityTag split_tag(std::string_view tag) noexcept {
    const bool weak = tag.starts_with("W/");
    return EntityTag{.opaque = weak ? tag.substr(2) : tag, .weak = weak};
}

}  // namespace

std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept {
    const std::size_t length = tag_length(text);
    if (length == 0 || length != text.size()) {
        return std::nullopt;
    }
    return split_tag(text);
}

bool tags_match(const EntityTag& a, const EntityTag& b, TagComparison comparison) noexcept {
    if (comparison == TagComparison::strong && (a.weak || b.weak)) {
        return false;
    }
    return a.opaque == b.opaque;
}

TagListMatch match_entity_tag_list(std::string_view value, std::string_view current,
                                   TagComparison comparison) noexcept {
    const std::string_view list = trim_ows(value);
    if (list == "*") {
        return TagListMatch::matched;
    }
    const std::optional<EntityTag> ours = parse_entity_tag(current);
    bool matched = false;
    std::size_t p = 0;
    for (;;) {
        while (p < list.size() && (list[p] == ',' || is_ows(list[p]))) {
            ++p;
        }
        if (p == list.size()) {
            return matched ? TagListMatch::matched : TagListMatch::not_matched;
        }
        // A "*" among tags lands here too: the grammar allows it only alone.
        const std::size_t length = tag_length(list.substr(p));
        if (length == 0) {
            return TagListMatch::malformed;
        }
        if (ours && tags_match(split_tag(list.substr(p, length)), *ours, comparison)) {
            matched = true;
        }
        p += length;
        while (p < list.size() && is_ows(list[p])) {
            ++p;
        }
        if (p < list.size() && list[p] != ',') {
            return TagListMatch::malformed;  // e.g. "\"a\"\"b\"" or "\"a\" x"
        }
    }
}

}  // namespace ringwall::files
