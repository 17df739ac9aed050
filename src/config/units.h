// src/config/units.h: sizes ("8KiB") and durations ("1m30s") as operators write them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/parsed.h"

namespace ringwall::config {

// "<digits>[unit]" with unit one of B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB
// (powers of 1000), case-sensitive; no unit means bytes. Refuses signs, spaces,
// fractions ("1.5MiB"; the message suggests an exact equivalent when there is one) and
// values above 2^64-1. Zero is accepted; callers that need a positive size check that.
Parsed<std::uint64_t> parse_size(std::string_view text);

// One or more "<digits><unit>" with unit h, m, s or ms, largest first and each at most
// once ("1h", "1m30s", "1500ms"). Refuses a missing unit ("10"), signs, spaces,
// fractions ("1.5s"; the message suggests "1500ms") and totals that overflow. Zero is
// accepted; callers that need a positive duration check that.
Parsed<Duration> parse_duration(std::string_view text);

// The shortest exact text parse_size reads back as `bytes`: the largest binary unit that
// divides it, else the largest decimal one, else bytes ("8KiB", "1MB", "1000B"... "0B").
std::string format_size(std::uint64_t bytes);

// The largest unit that divides `duration` exactly: "2h", "90s", "1500ms", "0ms".
// `duration` must not be negative.
std::string format_duration(Duration duration);

}  // namespace ringwall::config
