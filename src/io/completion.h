// src/io/completion.h: the interface the reactor calls for every CQE it reaps.
#pragma once

#include <cstdint>

namespace ringwall::io {

// An SQE's user_data points at a Completion that outlives the operation: an awaitable in
// a coroutine frame, or a long-lived object for multishot operations. user_data 0 marks
// fire-and-forget operations (close, cancel) whose CQEs are dropped.
class Completion {
public:
    virtual void on_complete(int result, std::uint32_t flags) noexcept = 0;
    virtual ~Completion() = default;
};

}  // namespace ringwall::io
