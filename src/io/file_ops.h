// src/io/file_ops.h: the file operations static serving awaits, through the ring, so that a
// slow disk stalls one request rather than the whole worker.
#pragma once

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include <cstdint>

#include "io/ops.h"
#include "io/send_slabs.h"

namespace ringwall::io {

// openat2(2) relative to `dirfd`; `path` must stay valid (NUL-terminated) until the
// operation completes. The result is the fd or -errno.
class OpenAt2Op final : public SingleShotOp {
public:
    OpenAt2Op(Reactor& reactor, int dirfd, const char* path, const open_how& how) noexcept
        : SingleShotOp(reactor), dirfd_(dirfd), path_(path), how_(how) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        // The kernel copies `how` while preparing the request, but the SQE may wait in
        // the ring until the next submit: it points into this op, which outlives that.
        io_uring_prep_openat2(sqe, dirfd_, path_, &how_);
        bind(sqe);
    }

private:
    int dirfd_;
    const char* path_;
    open_how how_;
};

// statx(2) of an open file (AT_EMPTY_PATH), filling `out`; 0 or -errno.
class StatxOp final : public SingleShotOp {
public:
    StatxOp(Reactor& reactor, int fd, unsigned mask, struct statx* out) noexcept
        : SingleShotOp(reactor), fd_(fd), mask_(mask), out_(out) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        io_uring_prep_statx(sqe, fd_, "", AT_EMPTY_PATH, mask_, out_);
        bind(sqe);
    }

private:
    int fd_;
    unsigned mask_;
    struct statx* out_;
};

// pread(2) into `buffer`; into registered memory (a send slab) it is READ_FIXED, which
// skips pinning the pages on every call. Bytes read (0 at end of file) or -errno.
class ReadOp final : public SingleShotOp {
public:
    ReadOp(Reactor& reactor, int fd, char* buffer, std::uint32_t length, std::uint64_t offset) noexcept
        : SingleShotOp(reactor), fd_(fd), buffer_(buffer), length_(length), offset_(offset) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        if (reactor_.send_slabs().is_registered(buffer_)) {
            io_uring_prep_read_fixed(sqe, fd_, buffer_, length_, offset_, SendSlabs::fixed_index);
        } else {
            io_uring_prep_read(sqe, fd_, buffer_, length_, offset_);
        }
        bind(sqe);
    }

private:
    int fd_;
    char* buffer_;
    std::uint32_t length_;
    std::uint64_t offset_;
};

// splice(2) between a file, a pipe and a socket: `length` bytes moved as page references,
// never copied in user space. An offset of -1 means the descriptor's own (pipes, sockets).
// Bytes moved (0 at end of file) or -errno.
class SpliceOp final : public SingleShotOp {
public:
    SpliceOp(Reactor& reactor, int fd_in, std::int64_t offset_in, int fd_out, std::uint32_t length) noexcept
        : SingleShotOp(reactor), fd_in_(fd_in), offset_in_(offset_in), fd_out_(fd_out), length_(length) {}
    void await_suspend(std::coroutine_handle<> waiter) {
        io_uring_sqe* sqe = prepare(waiter);
        io_uring_prep_splice(sqe, fd_in_, offset_in_, fd_out_, -1, length_, SPLICE_F_MOVE);
        bind(sqe);
    }

private:
    int fd_in_;
    std::int64_t offset_in_;
    int fd_out_;
    std::uint32_t length_;
};

}  // namespace ringwall::io
