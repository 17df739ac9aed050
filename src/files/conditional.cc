// src/files/conditional.cc: RFC 9110 §13.2.2 precondition evaluation.
#include "files/conditional.h"

#include "files/entity_tag.h"
#include "files/field_text.h"
#include "files/http_date.h"

namespace ringwall::files {

namespace {

// nullopt when the field is absent, invalid, or we have nothing to compare it with.
std::optional<std::int64_t> field_date(std::optional<std::string_view> field,
                                       const ConditionalRequest& request,
                                       const Validators& validators) {
    if (!field || !validators.last_modified) {
        return std::nullopt;
    }
    return parse_http_date(trim_ows(*field), request.now);
}

bool if_range_holds(std::string_view value, const ConditionalRequest& request,
                    const Validators& validators) {
    value = trim_ows(value);
    // §13.1.5: an entity-tag starts with DQUOTE or W/, a date never does.
    if (value.starts_with('"') || value.starts_with("W/")) {
        const std::optional<EntityTag> theirs = parse_entity_tag(value);
        const std::optional<EntityTag> ours = parse_entity_tag(validators.etag);
        return theirs && ours && tags_match(*theirs, *ours, TagComparison::strong);
    }
    if (!validators.last_modified) {
        return false;
    }
    const std::optional<std::int64_t> date = parse_http_date(value, request.now);
    return date && *date == *validators.last_modified;
}

}  // namespace

ConditionalOutcome evaluate_conditionals(const ConditionalRequest& request,
                                         const Validators& validators) {
    const std::string_view method = request.method;
    if (method == "CONNECT" || method == "OPTIONS" || method == "TRACE") {
        return {};
    }
    const bool get_or_head = method == "GET" || method == "HEAD";
    const auto answer = [](Precondition verdict) { return ConditionalOutcome{verdict, false}; };

    if (request.if_match) {
        const TagListMatch match =
            match_entity_tag_list(*request.if_match, validators.etag, TagComparison::strong);
        if (match != TagListMatch::matched) {
            return answer(Precondition::failed);
        }
    } else if (const auto date = field_date(request.if_unmodified_since, request, validators)) {
        if (*validators.last_modified > *date) {
            return answer(Precondition::failed);
        }
    }

    if (request.if_none_match) {
        const TagListMatch match =
            match_entity_tag_list(*request.if_none_match, validators.etag, TagComparison::weak);
        if (match == TagListMatch::matched) {
            return answer(get_or_head ? Precondition::not_modified : Precondition::failed);
        }
        if (match == TagListMatch::malformed && !get_or_head) {
            return answer(Precondition::failed);
        }
    } else if (get_or_head) {
        if (const auto date = field_date(request.if_modified_since, request, validators)) {
            if (*validators.last_modified <= *date) {
                return answer(Precondition::not_modified);
            }
        }
    }

    const bool range_allowed =
        method == "GET" &&
        (!request.if_range || if_range_holds(*request.if_range, request, validators));
    return {Precondition::proceed, range_allowed};
}

}  // namespace ringwall::files
