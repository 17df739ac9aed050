// src/lb/maglev_table.cc: building the Maglev lookup table.
#include "lb/maglev_table.h"

#include <algorithm>

#include "lb/key_hash.h"

namespace ringwall::lb {
namespace {

// Two independent hashes of the key choose the permutation; these seeds are part of the
// mapping, like hash_key itself: changing them remaps every key.
constexpr std::uint64_t offset_seed = 0x6d61676c65763031ULL;  // "maglev01"
constexpr std::uint64_t skip_seed = 0x6d61676c65763032ULL;    // "maglev02"

bool is_prime(std::size_t n) noexcept {
    if (n < 2) {
        return false;
    }
    if (n % 2 == 0) {
        return n == 2;
    }
    for (std::size_t d = 3; d <= n / d; d += 2) {
        if (n % d == 0) {
            return false;
        }
    }
    return true;
}

// Where a backend is in its permutation: the slot it looks at next, and its stride.
struct Walker {
    std::uint64_t position = 0;
    std::uint64_t skip = 1;
    std::uint64_t credit = 0;
    std::uint32_t backend = 0;
    std::uint32_t weight = 0;
};

}  // namespace

std::size_t next_prime(std::size_t n) noexcept {
    while (!is_prime(n)) {
        ++n;
    }
    return n;
}

MaglevTable::MaglevTable(std::span<const BackendInfo> backends, std::size_t size)
    : size_(next_prime(size)), has_slots_(backends.size()) {
    std::vector<Walker> walkers;
    std::uint32_t max_weight = 0;
    for (std::size_t i = 0; i < backends.size(); ++i) {
        const BackendInfo& backend = backends[i];
        if (backend.weight == 0) {
            continue;
        }
        Walker walker;
        walker.backend = static_cast<std::uint32_t>(i);
        walker.weight = backend.weight;
        walker.position = hash_key(backend.key, offset_seed) % size_;
        walker.skip = size_ > 1 ? hash_key(backend.key, skip_seed) % (size_ - 1) + 1 : 1;
        walkers.push_back(walker);
        max_weight = std::max(max_weight, backend.weight);
    }
    if (walkers.empty()) {
        return;
    }
    // Turns go in key order, not list order: the order decides who wins a contested slot,
    // and a reload that only reorders the backends must not move any key.
    std::stable_sort(walkers.begin(), walkers.end(), [&](const Walker& a, const Walker& b) {
        return backends[a.backend].key < backends[b.backend].key;
    });
    slots_.assign(size_, no_backend);
    std::size_t filled = 0;
    for (;;) {
        for (Walker& walker : walkers) {
            walker.credit += walker.weight;
            if (walker.credit < max_weight) {
                continue;  // a lighter backend sits this round out
            }
            walker.credit -= max_weight;
            // Each permutation visits every slot once, and the table is not yet full, so
            // this finds a free slot.
            while (slots_[walker.position] != no_backend) {
                walker.position += walker.skip;
                if (walker.position >= size_) {
                    walker.position -= size_;
                }
            }
            slots_[walker.position] = walker.backend;
            has_slots_[walker.backend] = true;
            if (++filled == size_) {
                return;
            }
        }
    }
}

}  // namespace ringwall::lb
