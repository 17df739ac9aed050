// src/lb/consistent_hash.h: consistent hashing over a Maglev table, with deterministic fallback.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "lb/backend_set.h"
#include "lb/maglev_table.h"

namespace ringwall::lb {

// Sends equal hashes to the same backend (session affinity, cache locality) and keeps most
// keys in place when the backend set changes: removing one of n backends moves about 1/n
// of the keys (the tests measure it).
//
// When the owner of a hash is unavailable, the hash is rehashed to further slots, up to
// probe_limit of them, until one belongs to an available backend. Each probe lands on a
// random-looking slot, so an unavailable backend's keys scatter over the others in
// proportion to their shares instead of all landing on one neighbour. The fallback depends
// only on the hash and the availability, so every worker agrees, and keys of available
// backends never move. Past probe_limit (most backends down) it scans the backend list
// from hash mod n.
//
// Cost per pick: O(1), one table read, when the owner is available; up to probe_limit
// more (each a mix64 and a read), then O(n), when it is not. pick() is const and does not
// allocate.
class ConsistentHash {
public:
    static constexpr std::size_t probe_limit = 64;

    explicit ConsistentHash(std::span<const BackendInfo> backends,
                            std::size_t table_size = MaglevTable::default_size);
    // Shares a table built once for every worker. It must describe the same backend list
    // as the caller's indices.
    explicit ConsistentHash(std::shared_ptr<const MaglevTable> table);

    // The backend for `hash` (hash_key of the request's key), or the deterministic fallback
    // when that one is unavailable; nullopt when no undrained backend is available.
    std::optional<BackendIndex> pick(std::uint64_t hash,
                                     Availability available = {}) const noexcept;

    std::size_t size() const noexcept { return table_->backend_count(); }
    const MaglevTable& table() const noexcept { return *table_; }
    const std::shared_ptr<const MaglevTable>& shared_table() const noexcept { return table_; }

private:
    std::shared_ptr<const MaglevTable> table_;  // never null
};

}  // namespace ringwall::lb
