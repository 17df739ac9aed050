// src/files/conditional.h: evaluates a request's preconditions against the selected
// representation in RFC 9110 §13.2.2 order, and decides whether its Range may apply.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ringwall::files {

// The request side. Each field is nullopt when absent; a field sent on several lines is
// passed combined with ", " (RFC 9110 §5.3). Values are borrowed for the call only.
struct ConditionalRequest {
    std::string_view method;  // case-sensitive, as RFC 9110 §9.1 says
    std::optional<std::string_view> if_match;
    std::optional<std::string_view> if_none_match;
    std::optional<std::string_view> if_modified_since;
    std::optional<std::string_view> if_unmodified_since;
    std::optional<std::string_view> if_range;
    std::int64_t now = 0;  // seconds since the epoch; places RFC 850 two-digit years
};

// The selected representation's current validators.
struct Validators {
    std::string_view etag;                      // as sent in ETag; empty when there is none
    std::optional<std::int64_t> last_modified;  // seconds since the epoch, as Last-Modified says
};

enum class Precondition : std::uint8_t {
    proceed,       // answer as if the request were unconditional
    not_modified,  // 304 (GET or HEAD only)
    failed,        // 412
};

struct ConditionalOutcome {
    Precondition verdict = Precondition::proceed;
    // True when a Range field, if present, may be honoured: the method is GET, the
    // verdict is proceed, and If-Range is absent or holds. False means send 200 in full.
    bool range_allowed = false;

    std::uint16_t status() const noexcept {
        return verdict == Precondition::not_modified ? 304
               : verdict == Precondition::failed     ? 412
                                                     : 0;
    }
    friend bool operator==(const ConditionalOutcome&, const ConditionalOutcome&) = default;
};

// RFC 9110 §13.2.2, with these readings:
//  1. If-Match: strong comparison; false gives 412. A malformed list also gives 412:
//     we cannot tell it would have matched, and going ahead is the unsafe way to guess.
//  2. If-Unmodified-Since, only without If-Match: 412 when the representation changed
//     after the date. Ignored when the date is invalid (so also when several dates were
//     combined) or there is no Last-Modified.
//  3. If-None-Match: weak comparison; a match gives 304 for GET and HEAD, 412 otherwise.
//     A malformed list reads as "no match" for GET and HEAD (a full 200 is always a
//     correct answer) and as 412 for other methods, which must fail closed.
//  4. If-Modified-Since, only for GET or HEAD without If-None-Match: 304 unless the
//     representation changed after the date. Ignored like If-Unmodified-Since.
//  5. If-Range, for GET: a strong ETag equal to ours (strong comparison, so W/ never
//     holds), or an HTTP-date exactly equal to our Last-Modified (§13.1.5). A date is
//     trusted as the client's claim that it was strong when sent (§8.8.2.2: only then may
//     a client send it); our ETags carry nanoseconds and are the robust path. Anything
//     else, including a malformed value, means the Range is ignored.
// Preconditions are not evaluated at all for CONNECT, OPTIONS and TRACE (§13.2.1). The
// caller evaluates them only when the unconditional answer would be 2xx (§13.2.1).
ConditionalOutcome evaluate_conditionals(const ConditionalRequest& request,
                                         const Validators& validators);

}  // namespace ringwall::files
