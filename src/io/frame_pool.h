// src/io/frame_pool.h: per-thread free lists for coroutine frames.
#pragma once

#include <cstddef>

namespace ringwall::io {

// Coroutine frames are allocated once per call of a coroutine; on the request path that is
// several per request. Recycling them through per-thread size classes makes a frame cost a
// pop and a push instead of a trip through malloc. Frames larger than the biggest class go
// to operator new. A frame must be freed on the thread that allocated it, which the
// one-reactor-per-thread rule already guarantees.
void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

}  // namespace ringwall::io
