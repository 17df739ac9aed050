// src/io/buffer_ring.h: the provided-buffer ring multishot receives fill.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <string_view>
#include <utility>

namespace ringwall::io {

class BufferRing;

// Told when receive buffers are free again after the ring ran dry (ENOBUFS), so that a
// starved receive re-arms once instead of spinning against an empty ring.
class BufferWaiter {
public:
    virtual void on_buffers_available() noexcept = 0;

protected:
    ~BufferWaiter() = default;
};

// A received buffer lent by the ring. Move-only; the slot goes back to the kernel when the
// handle dies, so the parser's `consumed` count is what frees receive memory.
class RecvBuffer {
public:
    RecvBuffer() noexcept = default;
    RecvBuffer(BufferRing* ring, std::uint16_t id, const char* data, std::uint32_t size) noexcept
        : ring_(ring), id_(id), data_(data), size_(size) {}
    RecvBuffer(RecvBuffer&& other) noexcept
        : ring_(std::exchange(other.ring_, nullptr)), id_(other.id_), data_(other.data_),
          size_(other.size_) {}
    RecvBuffer& operator=(RecvBuffer&& other) noexcept {
        if (this != &other) {
            release();
            ring_ = std::exchange(other.ring_, nullptr);
            id_ = other.id_;
            data_ = other.data_;
            size_ = other.size_;
        }
        return *this;
    }
    ~RecvBuffer() { release(); }

    std::string_view bytes() const noexcept { return {data_, size_}; }
    void release() noexcept;

private:
    BufferRing* ring_ = nullptr;
    std::uint16_t id_ = 0;
    const char* data_ = nullptr;
    std::uint32_t size_ = 0;
};

class BufferRing {
public:
    static constexpr std::uint16_t group_id = 0;

    BufferRing() noexcept = default;
    BufferRing(const BufferRing&) = delete;
    BufferRing& operator=(const BufferRing&) = delete;
    ~BufferRing();

    // Maps the ring and its buffers (pages are touched only when the kernel fills them)
    // and registers them with `ring`. Returns 0 or -errno.
    int init(io_uring& ring, std::uint32_t count, std::uint32_t size);

    // Wraps the buffer a CQE named (IORING_CQE_F_BUFFER) into a handle.
    RecvBuffer take(std::uint32_t cqe_flags, std::uint32_t length) noexcept;
    void give_back(std::uint16_t id) noexcept;

    std::uint32_t buffer_size() const noexcept { return size_; }
    std::uint32_t lent() const noexcept { return lent_; }
    std::uint32_t available() const noexcept { return count_ - lent_; }

private:
    io_uring_buf_ring* ring_ = nullptr;
    char* buffers_ = nullptr;
    std::size_t mapped_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t size_ = 0;
    std::uint32_t lent_ = 0;
};

}  // namespace ringwall::io
