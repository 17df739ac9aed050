// src/server/date_cache.h: the Date field line, formatted at most once per second per worker.
#pragma once

#include <ctime>
#include <string_view>

namespace ringwall::server {

class DateCache {
public:
    // "Date: Wed, 25 Nov 2026 10:00:00 GMT\r\n", valid until the next call.
    std::string_view field_line();

private:
    std::time_t second_ = -1;
    char text_[48] = {};
    std::size_t size_ = 0;
};

}  // namespace ringwall::server
