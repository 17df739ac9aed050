// src/server/date_cache.cc: IMF-fixdate formatting (RFC 9110 §5.6.7) without locale lookups.
#include "server/date_cache.h"

#include <cstdio>

namespace ringwall::server {

std::string_view DateCache::field_line() {
    const std::time_t now = std::time(nullptr);  // vDSO: no syscall
    if (now != second_) {
        second_ = now;
        static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        std::tm tm{};
        ::gmtime_r(&now, &tm);
        const int n = std::snprintf(text_, sizeof text_, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
                                    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                                    tm.tm_hour, tm.tm_min, tm.tm_sec);
        size_ = n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    return {text_, size_};
}

}  // namespace ringwall::server
