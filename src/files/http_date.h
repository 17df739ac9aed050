// src/files/http_date.h: HTTP-date (RFC 9110 §5.6.7) read in its three forms and written
// as IMF-fixdate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringwall::files {

// "Sun, 06 Nov 1994 08:49:37 GMT" is this long.
inline constexpr std::size_t http_date_size = 29;

// The latest instant format_http_date can write with a four-digit year: 9999-12-31 23:59:59.
inline constexpr std::int64_t max_http_date = 253402300799;

// Seconds since the Unix epoch (UTC) for an IMF-fixdate, an RFC 850 date or an asctime
// date, exactly as RFC 9110 spells them: case-sensitive names, no surrounding or extra
// whitespace. nullopt for anything else, including an impossible calendar date
// ("Feb 30") or time. The day name must be a real one but is not checked against the
// date. Seconds up to 60 are accepted (a leap second reads as the next minute's 00).
//
// `now` (seconds since the epoch) places RFC 850's two-digit years: RFC 9110 §5.6.7
// says a year more than 50 years in the future is the most recent past year with the
// same last two digits.
std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now);

// IMF-fixdate for `seconds`, clamped to [0, max_http_date].
std::string format_http_date(std::int64_t seconds);

}  // namespace ringwall::files
