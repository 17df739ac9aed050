// src/io/buffer_ring.cc: registration and recycling of provided receive buffers.
#include "io/buffer_ring.h"

#include <sys/mman.h>

#include <cerrno>

namespace ringwall::io {

void RecvBuffer::release() noexcept {
    if (ring_ != nullptr) {
        ring_->give_back(id_);
        ring_ = nullptr;
    }
}

BufferRing::~BufferRing() {
    if (ring_ != nullptr) {
        ::munmap(ring_, mapped_);
    }
}

int BufferRing::init(io_uring& ring, std::uint32_t count, std::uint32_t size) {
    count_ = count;
    size_ = size;
    const std::size_t ring_bytes = sizeof(io_uring_buf) * count;
    mapped_ = ring_bytes + std::size_t{count} * size;
    void* mem = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return -errno;
    }
    ring_ = static_cast<io_uring_buf_ring*>(mem);
    buffers_ = static_cast<char*>(mem) + ring_bytes;

    // liburing 2.3 has no io_uring_setup_buf_ring(); register the mapping ourselves.
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uint64_t>(ring_);
    reg.ring_entries = count;
    reg.bgid = group_id;
    if (int rc = io_uring_register_buf_ring(&ring, &reg, 0); rc < 0) {
        return rc;
    }
    io_uring_buf_ring_init(ring_);
    const int mask = io_uring_buf_ring_mask(count);
    for (std::uint32_t id = 0; id < count; ++id) {
        io_uring_buf_ring_add(ring_, buffers_ + std::size_t{id} * size, size,
                              static_cast<unsigned short>(id), mask, static_cast<int>(id));
    }
    io_uring_buf_ring_advance(ring_, static_cast<int>(count));
    return 0;
}

RecvBuffer BufferRing::take(std::uint32_t cqe_flags, std::uint32_t length) noexcept {
    const auto id = static_cast<std::uint16_t>(cqe_flags >> IORING_CQE_BUFFER_SHIFT);
    ++lent_;
    return RecvBuffer(this, id, buffers_ + std::size_t{id} * size_, length);
}

void BufferRing::give_back(std::uint16_t id) noexcept {
    --lent_;
    io_uring_buf_ring_add(ring_, buffers_ + std::size_t{id} * size_, size_, id,
                          io_uring_buf_ring_mask(count_), 0);
    io_uring_buf_ring_advance(ring_, 1);
}

}  // namespace ringwall::io
