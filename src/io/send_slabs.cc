// src/io/send_slabs.cc: the registered send region and its slab free list.
#include "io/send_slabs.h"

#include <sys/mman.h>
#include <sys/uio.h>

#include <cerrno>
#include <new>

namespace ringwall::io {

namespace {
constexpr std::uint32_t heap_slab = UINT32_MAX;
}

SendSlabs::~SendSlabs() {
    if (base_ != nullptr) {
        ::munmap(base_, std::size_t{count_} * size_);
    }
}

int SendSlabs::init(io_uring& ring, std::uint32_t count, std::uint32_t size) {
    count_ = count;
    size_ = size;
    void* mem = ::mmap(nullptr, std::size_t{count} * size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return -errno;
    }
    base_ = static_cast<char*>(mem);
    iovec region{base_, std::size_t{count} * size};
    if (int rc = io_uring_register_buffers(&ring, &region, 1); rc < 0) {
        return rc;
    }
    free_.reserve(count);
    // Hand out low slabs first so a lightly loaded worker touches few pages.
    for (std::uint32_t i = count; i-- > 0;) {
        free_.push_back(i);
    }
    return 0;
}

Slab SendSlabs::acquire() {
    if (free_.empty()) {
        return Slab{new char[size_], size_, heap_slab};
    }
    const std::uint32_t index = free_.back();
    free_.pop_back();
    return Slab{base_ + std::size_t{index} * size_, size_, index};
}

void SendSlabs::give_back(Slab slab) noexcept {
    if (slab.index == heap_slab) {
        delete[] slab.data;
        return;
    }
    free_.push_back(slab.index);
}

}  // namespace ringwall::io
