// src/http1/field_facts.cc: one pass over a head's fields for framing and connection facts.
#include "http1/field_facts.h"

#include <optional>
#include <string_view>

#include "http1/field_rules.h"
#include "util/ascii.h"

namespace ringwall::http1 {

namespace {

using util::iequals;

// `lower` holds lowercase letters and '-'. Field names are tokens, and for a token byte
// c, (c | 0x20) equals such a byte only when c is it in either case: an exact
// case-insensitive compare without a table.
bool is_name(std::string_view name, std::string_view lower) noexcept {
    for (std::size_t i = 0; i < lower.size(); ++i) {
        if ((name[i] | 0x20) != lower[i]) {
            return false;
        }
    }
    return true;
}

struct CodingState {
    std::size_t chunked_count = 0;
    bool last_is_chunked = false;
    bool malformed = false;
    bool unknown = false;
    std::size_t malformed_index = 0;
    std::size_t twice_index = 0;
    std::size_t not_final_index = 0;
    std::size_t unknown_index = 0;
};

// RFC 9112 §6.1: codings listed in order of application, across field lines. RFC 9110
// §5.6.1 asks us to ignore empty list elements, but a line with no coding at all is
// malformed. Parameters are refused: chunked takes none and we implement no other coding.
void add_codings(CodingState& state, std::string_view value, std::size_t index) {
    bool any = false;
    for_each_list_element(value, [&](std::string_view coding) {
        if (coding.empty()) {
            return;
        }
        any = true;
        if (!is_token(coding)) {
            if (!state.malformed) {
                state.malformed = true;
                state.malformed_index = index;
            }
            return;
        }
        if (iequals(coding, "chunked")) {
            if (++state.chunked_count == 2) {
                state.twice_index = index;
            }
            state.last_is_chunked = true;
            return;
        }
        if (state.last_is_chunked) {
            state.not_final_index = index;
        }
        state.last_is_chunked = false;
        if (!state.unknown) {
            state.unknown = true;
            state.unknown_index = index;
        }
    });
    if (!any && !state.malformed) {
        state.malformed = true;
        state.malformed_index = index;
    }
}

FieldProblem coding_problem(const CodingState& state) {
    if (state.malformed) {
        return {Reason::invalid_transfer_encoding, 400, state.malformed_index};
    }
    if (state.chunked_count > 1) {
        return {Reason::chunked_twice, 400, state.twice_index};
    }
    if (state.chunked_count == 1 && !state.last_is_chunked) {
        return {Reason::chunked_not_final, 400, state.not_final_index};
    }
    if (state.unknown) {
        return {Reason::unknown_transfer_coding, 501, state.unknown_index};
    }
    return {};
}

void add_connection_options(FieldFacts& facts, std::string_view value) {
    for_each_list_element(value, [&facts](std::string_view option) {
        if (iequals(option, "close")) {
            facts.connection_close = true;
        } else if (iequals(option, "keep-alive")) {
            facts.connection_keep_alive = true;
        } else if (iequals(option, "upgrade")) {
            facts.connection_upgrade = true;
        }
    });
}

}  // namespace

FieldFacts collect_field_facts(std::span<const Field> fields) noexcept {
    FieldFacts facts;
    CodingState codings;
    bool any_expect = false;
    bool all_continue = true;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string_view name = fields[i].name;
        const std::string_view value = fields[i].value;
        // Dispatch on length first: most fields are none of these and cost one compare.
        // is_name assumes the sizes match.
        switch (name.size()) {
            case 4:
                if (is_name(name, "host")) {
                    if (facts.host_count == 0) {
                        facts.host_index = i;
                    } else if (facts.host_count == 1) {
                        facts.second_host_index = i;
                    }
                    ++facts.host_count;
                }
                break;
            case 6:
                if (is_name(name, "expect")) {
                    any_expect = true;
                    if (!iequals(value, "100-continue")) {
                        all_continue = false;
                        if (!facts.expect_problem) {
                            facts.expect_problem = {Reason::invalid_expect, 417, i};
                        }
                    }
                }
                break;
            case 7:
                if (is_name(name, "upgrade")) {
                    facts.has_upgrade = true;
                }
                break;
            case 10:
                if (is_name(name, "connection")) {
                    add_connection_options(facts, value);
                }
                break;
            case 14:
                if (is_name(name, "content-length") && !facts.content_length_problem) {
                    const std::optional<std::uint64_t> length = parse_content_length(value);
                    if (!length) {
                        facts.content_length_problem = {Reason::invalid_content_length, 400, i};
                    } else if (facts.has_content_length && *length != facts.content_length) {
                        facts.content_length_problem = {Reason::duplicate_content_length, 400, i};
                    } else if (!facts.has_content_length) {
                        facts.has_content_length = true;
                        facts.content_length_index = i;
                        facts.content_length = *length;
                    }
                }
                break;
            case 17:
                if (is_name(name, "transfer-encoding")) {
                    if (!facts.has_transfer_encoding) {
                        facts.has_transfer_encoding = true;
                        facts.transfer_encoding_index = i;
                    }
                    add_codings(codings, value, i);
                }
                break;
            default:
                break;
        }
    }
    facts.expects_continue = any_expect && all_continue;
    if (facts.has_transfer_encoding) {
        facts.transfer_encoding_problem = coding_problem(codings);
        facts.chunked = !facts.transfer_encoding_problem && codings.chunked_count == 1;
    }
    return facts;
}

}  // namespace ringwall::http1
