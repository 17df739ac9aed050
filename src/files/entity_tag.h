// src/files/entity_tag.h: entity-tags and entity-tag lists as If-Match, If-None-Match and
// If-Range carry them (RFC 9110 §8.8.3, §13.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringwall::files {

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE. `opaque` keeps the quotes and views the text
// it was parsed from.
struct EntityTag {
    std::string_view opaque;
    bool weak = false;
};

// Exactly one entity-tag, nothing around it. "W/" is case-sensitive (RFC 9110 §8.8.3).
std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept;

enum class TagComparison : std::uint8_t {
    strong,  // both strong and the same opaque-tag (If-Match, If-Range)
    weak,    // the same opaque-tag, either or both weak (If-None-Match)
};

bool tags_match(const EntityTag& a, const EntityTag& b, TagComparison comparison) noexcept;

enum class TagListMatch : std::uint8_t { matched, not_matched, malformed };

// `value` is the field value, several field lines combined with ", ". It is "*" or a
// list of entity-tags; commas inside quotes belong to the tag, empty list elements are
// skipped, and an empty list matches nothing. "*" matches whenever the resource has a
// current representation, which is the caller's premise for asking. `current` is the
// representation's ETag, or empty when it has none (then no tag matches).
//
// The whole list is read before answering: a malformed element anywhere gives
// malformed, even after a match, so a caller that must fail closed can.
TagListMatch match_entity_tag_list(std::string_view value, std::string_view current,
                                   TagComparison comparison) noexcept;

}  // namespace ringwall::files
