// src/http1/step.h: the event a sans-I/O HTTP/1 codec returns from each feed() call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringwall::http1 {

enum class Progress : std::uint8_t { need_more, head_done, body_data, message_done, failed };

struct Step {
    Progress progress = Progress::need_more;
    std::size_t consumed = 0;  // the caller may drop this many input bytes
    std::string_view body;     // set for body_data; points into the input
};

// Spelled out because g++ 12 warns about designated initializers that skip a member.
constexpr Step make_step(Progress progress, std::size_t consumed = 0,
                         std::string_view body = {}) noexcept {
    Step step;
    step.progress = progress;
    step.consumed = consumed;
    step.body = body;
    return step;
}

}  // namespace ringwall::http1
