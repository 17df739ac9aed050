// src/io/send_slabs.h: registered (fixed) memory that responses are written into.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <vector>

namespace ringwall::io {

// A slab of registered send memory. A connection holds one only while it has bytes to
// send, so idle connections cost no send memory.
struct Slab {
    char* data = nullptr;
    std::uint32_t capacity = 0;
    std::uint32_t index = 0;  // slab number, for give_back

    explicit operator bool() const noexcept { return data != nullptr; }
};

class SendSlabs {
public:
    // Registered as fixed buffer index 0: SEND_ZC can name it with IORING_RECVSEND_FIXED_BUF
    // and skip pinning pages on every send.
    static constexpr unsigned fixed_index = 0;

    SendSlabs() noexcept = default;
    SendSlabs(const SendSlabs&) = delete;
    SendSlabs& operator=(const SendSlabs&) = delete;
    ~SendSlabs();

    int init(io_uring& ring, std::uint32_t count, std::uint32_t size);

    // A free slab, or one from the heap (not registered) when all are lent.
    Slab acquire();
    void give_back(Slab slab) noexcept;
    bool is_registered(const char* p) const noexcept {
        return p >= base_ && p < base_ + std::size_t{count_} * size_;
    }

private:
    char* base_ = nullptr;
    std::uint32_t count_ = 0;
    std::uint32_t size_ = 0;
    std::vector<std::uint32_t> free_;
};

}  // namespace ringwall::io
