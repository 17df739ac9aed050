// fuzz/conditional_fuzz.cc: evaluate_conditionals checked for the RFC 9110 §13.2.2
// precedence rules it must keep whatever the values, entity-tag lists against a
// reference that splits on commas outside quotes, HTTP-date round trips, ETag text, and
// choose_encoding against a reference q lookup.
//
// Input layout: ctl[0] which fields are present (bits 0-4) and the method (bits 5-7);
// ctl[1] which validators exist and which values are replaced by ours (to reach matches);
// ctl[2] extra FileVersion bits; then the values, separated by '\n': If-Match,
// If-Unmodified-Since, If-None-Match, If-Modified-Since, If-Range, Accept-Encoding.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/accept_encoding.h"
#include "files/conditional.h"
#include "files/entity_tag.h"
#include "files/etag.h"
#include "files/http_date.h"
#include "property.h"

namespace ringwall::fuzzing {
namespace {

using files::ConditionalOutcome;
using files::ConditionalRequest;
using files::Precondition;
using files::TagComparison;
using files::TagListMatch;
using Field = std::optional<std::string_view>;

constexpr std::array<std::string_view, 8> methods = {"GET",    "HEAD",    "POST",  "PUT",
                                                     "DELETE", "OPTIONS", "TRACE", "get"};
constexpr std::int64_t now = 1779926400;  // 2026-05-28

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Splits on commas outside DQUOTEs; an unterminated quote makes the list malformed.
std::optional<std::vector<std::string_view>> split_outside_quotes(std::string_view value) {
    std::vector<std::string_view> out;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i < value.size() && value[i] == '"') {
            quoted = !quoted;
        } else if (i == value.size() || (value[i] == ',' && !quoted)) {
            out.push_back(trim(value.substr(start, i - start)));
            start = i + 1;
        }
    }
    if (quoted) {
        return std::nullopt;
    }
    return out;
}

// [W/] DQUOTE *etagc DQUOTE, judged as a whole element.
std::optional<std::pair<std::string_view, bool>> reference_tag(std::string_view e) {
    const bool weak = e.size() >= 2 && e[0] == 'W' && e[1] == '/';
    const std::string_view opaque = weak ? e.substr(2) : e;
    if (opaque.size() < 2 || opaque.front() != '"' || opaque.back() != '"') {
        return std::nullopt;
    }
    for (char c : opaque.substr(1, opaque.size() - 2)) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || c == '"' || u == 0x7f) {
            return std::nullopt;
        }
    }
    return std::pair{opaque, weak};
}

TagListMatch reference_list(std::string_view value, std::string_view current,
                            TagComparison comparison) {
    if (trim(value) == "*") {
        return TagListMatch::matched;
    }
    const auto elements = split_outside_quotes(value);
    if (!elements) {
        return TagListMatch::malformed;
    }
    const auto ours = reference_tag(current);
    bool matched = false;
    for (std::string_view e : *elements) {
        if (e.empty()) {
            continue;
        }
        const auto tag = reference_tag(e);
        if (!tag) {
            return TagListMatch::malformed;
        }
        const bool strong_ok =
            comparison == TagComparison::weak || (!tag->second && ours && !ours->second);
        if (ours && tag->first == ours->first && strong_ok) {
            matched = true;
        }
    }
    return matched ? TagListMatch::matched : TagListMatch::not_matched;
}

void check_tag_lists(std::string_view input, std::string_view value, std::string_view etag) {
    for (TagComparison comparison : {TagComparison::strong, TagComparison::weak}) {
        const TagListMatch got = files::match_entity_tag_list(value, etag, comparison);
        check(got == reference_list(value, etag, comparison),
              "entity-tag list differs from the reference", input, value);
    }
}

void check_date(std::string_view input, std::string_view value) {
    const std::optional<std::int64_t> t = files::parse_http_date(value, now);
    if (!t || *t < 0 || *t > files::max_http_date) {
        return;
    }
    const std::string written = files::format_http_date(*t);
    check(written.size() == files::http_date_size, "an IMF-fixdate of the wrong size", input,
          written);
    check(files::parse_http_date(written, now) == t, "a date does not survive format and parse",
          input, written);
    if (value.size() == files::http_date_size && value[3] == ',' && value.substr(23, 2) != "60") {
        // An IMF-fixdate differs from ours only in the day name, which is not cross-checked,
        // and in a leap second, which reads as the next minute.
        check(value.substr(3) == std::string_view(written).substr(3),
              "IMF-fixdate read differently", input, written);
    }
}

std::optional<unsigned> reference_q(std::string_view field, std::string_view coding) {
    std::string_view rest = field;
    for (;;) {
        const std::size_t comma = rest.find(',');
        const std::string_view element = trim(rest.substr(0, comma));
        const std::size_t semicolon = element.find(';');
        std::string name(trim(element.substr(0, semicolon)));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
        if (name == "x-gzip") {
            name = "gzip";
        }
        const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) ||
                   std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        });
        std::optional<unsigned> q = 1000;
        if (semicolon != std::string_view::npos) {
            const std::string_view weight = trim(element.substr(semicolon + 1));
            const std::string_view v = weight.size() >= 2 ? weight.substr(2) : "";
            const bool shape =
                weight.size() >= 3 && (weight[0] == 'q' || weight[0] == 'Q') && weight[1] == '=' &&
                (v == "0" || v == "1" || v.starts_with("0.") || v.starts_with("1.")) &&
                v.size() <= 5 &&
                std::all_of(v.begin(), v.end(),
                            [](char c) {
                                return c == '.' || std::isdigit(static_cast<unsigned char>(c));
                            }) &&
                std::count(v.begin(), v.end(), '.') <= 1;
            q = std::nullopt;
            if (shape) {
                const auto value = static_cast<unsigned>(
                    std::lround(std::strtod(std::string(v).c_str(), nullptr) * 1000));
                if (value <= 1000) {
                    q = value;
                }
            }
        }
        if (token && q && name == coding) {
            return q;
        }
        if (comma == std::string_view::npos) {
            return std::nullopt;
        }
        rest.remove_prefix(comma + 1);
    }
}

void check_encoding(std::string_view input, std::string_view field) {
    constexpr std::array<std::string_view, 3> ours = {"br", "zstd", "gzip"};
    constexpr std::array<std::string_view, 3> reversed = {"gzip", "zstd", "br"};
    const files::EncodingChoice choice = files::choose_encoding(field, ours);
    const std::optional<unsigned> star = reference_q(field, "*");
    const std::optional<unsigned> identity = reference_q(field, "identity");
    const std::optional<unsigned> identity_q = identity ? identity : star;
    const auto q_of = [&](std::string_view coding) {
        return reference_q(field, coding).value_or(star.value_or(0));
    };
    unsigned best = 0;
    for (std::string_view coding : ours) {
        best = std::max(best, q_of(coding));
    }
    check(choice.identity_refused == (identity_q == 0u),
          "identity refusal differs from the reference", input);
    if (best == 0 || (identity_q && *identity_q > best)) {
        check(choice.is_identity(), "chose a coding when identity should win", input,
              choice.coding);
    } else {
        check(!choice.is_identity() && q_of(choice.coding) == best,
              "did not choose a best-q coding", input, choice.coding);
        const auto first_best =
            std::find_if(ours.begin(), ours.end(), [&](auto c) { return q_of(c) == best; });
        check(choice.coding == *first_best, "a tie not broken by server order", input,
              choice.coding);
    }
    const files::EncodingChoice flipped = files::choose_encoding(field, reversed);
    check(flipped.is_identity() == choice.is_identity() &&
              flipped.identity_refused == choice.identity_refused,
          "server order changed more than a tie", input);
    if (!flipped.is_identity()) {
        check(q_of(flipped.coding) == q_of(choice.coding), "server order changed the q chosen",
              input);
    }
}

ConditionalOutcome evaluate(const ConditionalRequest& request, std::string_view etag,
                            std::optional<std::int64_t> modified) {
    return files::evaluate_conditionals(request,
                                        files::Validators{.etag = etag, .last_modified = modified});
}

void check_precedence(std::string_view input, const ConditionalRequest& request,
                      std::string_view etag, std::optional<std::int64_t> modified) {
    const ConditionalOutcome out = evaluate(request, etag, modified);
    const std::string_view m = request.method;
    const bool get_or_head = m == "GET" || m == "HEAD";
    check(out.verdict != Precondition::not_modified || get_or_head,
          "304 for a method other than GET/HEAD", input);
    check(!out.range_allowed || (m == "GET" && out.verdict == Precondition::proceed),
          "Range allowed outside a proceeding GET", input);
    if (m == "OPTIONS" || m == "TRACE") {
        check(out == ConditionalOutcome{Precondition::proceed, false},
              "preconditions evaluated for OPTIONS/TRACE", input);
        return;
    }
    if (request.if_match && out.verdict != Precondition::failed) {
        check(files::match_entity_tag_list(*request.if_match, etag, TagComparison::strong) ==
                  TagListMatch::matched,
              "went past If-Match without a strong match", input);
    }
    if (request.if_none_match && out.verdict == Precondition::proceed) {
        check(files::match_entity_tag_list(*request.if_none_match, etag, TagComparison::weak) !=
                  TagListMatch::matched,
              "proceeded although If-None-Match matched", input);
    }
    ConditionalRequest without = request;
    if (request.if_match) {
        without.if_unmodified_since = std::nullopt;
        check(evaluate(without, etag, modified) == out,
              "If-Unmodified-Since counted despite If-Match", input);
    }
    without = request;
    if (request.if_none_match || !get_or_head) {
        without.if_modified_since = std::nullopt;
        check(evaluate(without, etag, modified) == out,
              "If-Modified-Since counted when it must be ignored", input);
    }
    without = request;
    without.if_range = std::nullopt;
    const ConditionalOutcome no_if_range = evaluate(without, etag, modified);
    check(no_if_range.verdict == out.verdict, "If-Range changed the verdict", input);
    check(no_if_range.range_allowed == (m == "GET" && out.verdict == Precondition::proceed),
          "Range refused without If-Range", input);
    check(!out.range_allowed || no_if_range.range_allowed, "If-Range allowed a Range", input);
}

}  // namespace
}  // namespace ringwall::fuzzing

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringwall;
    using namespace ringwall::fuzzing;
    if (size < 3) {
        return 0;
    }
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::uint8_t present = data[0];
    const std::uint8_t choice = data[1];

    const files::FileVersion version{
        .inode = choice, .size = data[2], .mtime_ns = 1700000000000000000 + data[2]};
    const std::string made = files::make_etag(version);
    const std::string etag = (choice & 0x40) ? files::make_encoded_etag(made, "br") : made;
    const std::int64_t modified = 784111777 + (data[2] & 3);
    const std::string weak = "W/" + etag;
    const std::string same_date = files::format_http_date(modified);

    std::array<std::string_view, 6> values{};
    std::string_view rest = input.substr(3);
    for (std::string_view& value : values) {
        const std::size_t newline = rest.find('\n');
        value = rest.substr(0, newline);
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    // Replacing a value by one of ours reaches the matching branches quickly.
    const std::array<std::string_view, 4> ours = {etag, weak, same_date, "*"};
    if (choice & 0x08) {
        values[choice & 0x03 ? 2 : 0] = ours[(choice >> 4) & 0x03];
    }
    if (choice & 0x04) {
        values[4] = ours[(choice >> 4) & 0x03];
    }

    const auto field = [&](int i) -> Field {
        return (present >> i & 1) ? Field(values[i]) : std::nullopt;
    };
    const ConditionalRequest request{.method = methods[present >> 5],
                                     .if_match = field(0),
                                     .if_none_match = field(2),
                                     .if_modified_since = field(3),
                                     .if_unmodified_since = field(1),
                                     .if_range = field(4),
                                     .now = now};
    const std::string_view current = (choice & 0x80) ? std::string_view() : std::string_view(etag);
    const std::optional<std::int64_t> last_modified =
        (choice & 0x20) ? std::nullopt : std::optional<std::int64_t>(modified);
    check_precedence(input, request, current, last_modified);

    for (std::string_view value : values) {
        check_tag_lists(input, value, current);
        check_date(input, value);
    }
    check_encoding(input, values[5]);

    const auto parsed = files::parse_entity_tag(made);
    check(parsed && !parsed->weak, "make_etag made something other than a strong entity-tag", input,
          made);
    check(made != files::make_encoded_etag(made, "br"), "an encoded ETag equals the identity one",
          input);
    return 0;
}
