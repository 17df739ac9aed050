// src/util/log.h: the error log, shared by every thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringwall::util {

enum class LogLevel : std::uint8_t { error, warn, info, debug };

std::string_view to_string(LogLevel level) noexcept;
bool parse_log_level(std::string_view text, LogLevel& out) noexcept;

// Lines look like "2026-11-25T10:00:00.123Z [info] message". Each line is one write(2), so
// lines from different threads never interleave. Logging is for events (start, reload,
// errors), never per request; the access log has its own per-worker buffers.
class Log {
public:
    // `target` is "stderr" or a file path (opened for append). Returns an error text or "".
    static std::string open(const std::string& target, LogLevel level);
    // SIGUSR1: reopen the file after rotation. Returns an error text or "".
    static std::string reopen();
    static void set_level(LogLevel level) noexcept;
    static bool enabled(LogLevel level) noexcept;
    static void write(LogLevel level, std::string_view message) noexcept;
};

// Current UTC time as "2026-11-25T10:00:00.123Z".
std::string timestamp_now();

}  // namespace ringwall::util

#define RINGWALL_LOG(level, ...)                                                             \
    do {                                                                                     \
        if (::ringwall::util::Log::enabled(::ringwall::util::LogLevel::level)) {             \
            ::ringwall::util::Log::write(::ringwall::util::LogLevel::level, (__VA_ARGS__));  \
        }                                                                                    \
    } while (0)
