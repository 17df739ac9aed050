// src/config/suggest.cc: edit distance and closest-candidate lookup.
#include "config/suggest.h"

#include <algorithm>
#include <vector>

#include "util/ascii.h"

namespace ringwall::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rolling rows of the classic table: row i-2 is needed for the swap case.
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> before(width), previous(width), current(width);
    for (std::size_t j = 0; j < width; ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        const char ai = util::to_lower(a[i - 1]);
        for (std::size_t j = 1; j < width; ++j) {
            const char bj = util::to_lower(b[j - 1]);
            const std::size_t substitution = previous[j - 1] + (ai == bj ? 0 : 1);
            std::size_t best = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
            if (i > 1 && j > 1 && ai == util::to_lower(b[j - 2]) &&
                util::to_lower(a[i - 2]) == bj) {
                best = std::min(best, before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::optional<std::string_view> suggest(std::string_view word,
                                        std::span<const std::string_view> candidates,
                                        std::size_t max_distance) {
    std::optional<std::string_view> best;
    std::size_t best_distance = max_distance + 1;
    for (std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        if (distance < best_distance && distance < word.size()) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace ringwall::config
