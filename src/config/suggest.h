// src/config/suggest.h: "did you mean" for misspelled keys and values.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

namespace ringwall::config {

// Optimal string alignment distance (Damerau-Levenshtein where each substring is edited
// at most once): insertions, deletions, substitutions and swaps of two adjacent
// characters each cost 1. ASCII letters compare case-insensitively.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is at most `max_distance` edits away and fewer
// edits than `word` has characters (so "x" never suggests "h"). Ties go to the
// earlier candidate. The returned view points into `candidates`.
std::optional<std::string_view> suggest(std::string_view word,
                                        std::span<const std::string_view> candidates,
                                        std::size_t max_distance = 2);

inline std::optional<std::string_view> suggest(std::string_view word,
                                               std::initializer_list<std::string_view> candidates,
                                               std::size_t max_distance = 2) {
    return suggest(word, std::span(candidates.begin(), candidates.size()), max_distance);
}

}  // namespace ringwall::config
