// src/lb/maglev_table.h: the Maglev lookup table that maps hash slots to backends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lb/backend_set.h"

namespace ringwall::lb {

// Maglev consistent hashing (Eisenbud et al., NSDI 2016, section 3.4). Every backend walks
// its own permutation of the table's slots, fixed by its key: start at
// hash(key) mod M and step by 1 + hash'(key) mod (M - 1); M prime makes every step size
// visit every slot. Backends take turns claiming the next free slot of their permutation
// until the table is full, so each ends up with an almost equal share, and a backend
// that leaves frees only its own slots plus a little churn among the rest.
//
// Backends take their turns in the order of their keys, so the table depends on the set of
// (key, weight) pairs, not on the order of the list.
//
// Weights: in each round a backend earns its weight in credit and claims one slot per
// max-weight of credit, so the heaviest claims every round and the others
// proportionally less. Shares then follow weights to within a slot or two per backend.
//
// Immutable once built, so one table can be shared by every worker (through a
// shared_ptr<const MaglevTable>) instead of costing 4 * M bytes each.
//
// Building costs O(M log M) for equal weights (the paper's bound), O(M * n) when weights
// are very unequal; lookups are one array read.
class MaglevTable {
public:
    static constexpr std::size_t default_size = 65537;
    static constexpr std::uint32_t no_backend = ~std::uint32_t{0};

    // `size` is rounded up to a prime (at least 2). Keep it well above the number of
    // backends: the paper suggests M >= 100 n for shares within 1%. Backends with
    // weight 0 get no slots; with no weighted backend at all the table is empty.
    explicit MaglevTable(std::span<const BackendInfo> backends, std::size_t size = default_size);

    // The backend owning `slot`, for slot < size(); no_backend when the table is empty.
    std::uint32_t owner(std::size_t slot) const noexcept {
        return slots_.empty() ? no_backend : slots_[slot];
    }
    std::size_t size() const noexcept { return size_; }
    bool is_empty() const noexcept { return slots_.empty(); }
    std::size_t backend_count() const noexcept { return has_slots_.size(); }
    // False for drained backends, and for any that lost every round (absurd weight ratios).
    bool has_slots(BackendIndex i) const noexcept { return has_slots_[i]; }
    std::span<const std::uint32_t> slots() const noexcept { return slots_; }

private:
    std::size_t size_;
    std::vector<std::uint32_t> slots_;  // size_ entries, or none when no backend has weight
    std::vector<bool> has_slots_;
};

// The smallest prime >= n (2 for n < 2). Exposed for tests.
std::size_t next_prime(std::size_t n) noexcept;

}  // namespace ringwall::lb
