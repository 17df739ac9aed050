// src/util/log.cc: error log file handling and line formatting.
#include "util/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>

namespace ringwall::util {

namespace {

std::mutex log_mutex;
std::atomic<int> log_fd{STDERR_FILENO};
std::atomic<LogLevel> log_level{LogLevel::info};
std::string log_target = "stderr";

int open_target(const std::string& target) {
    if (target == "stderr") {
        return STDERR_FILENO;
    }
    return ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
    switch (level) {
        case LogLevel::error: return "error";
        case LogLevel::warn: return "warn";
        case LogLevel::info: return "info";
        case LogLevel::debug: return "debug";
    }
    return "info";
}

bool parse_log_level(std::string_view text, LogLevel& out) noexcept {
    for (LogLevel level : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug}) {
        if (text == to_string(level)) {
            out = level;
            return true;
        }
    }
    return false;
}

std::string Log::open(const std::string& target, LogLevel level) {
    const int fd = open_target(target);
    if (fd < 0) {
        return "cannot open " + target + ": " + std::strerror(errno);
    }
    std::lock_guard lock(log_mutex);
    const int old = log_fd.exchange(fd);
    if (old != STDERR_FILENO && old != fd) {
        ::close(old);
    }
    log_target = target;
    log_level = level;
    return "";
}

std::string Log::reopen() {
    std::string target;
    {
        std::lock_guard lock(log_mutex);
        target = log_target;
    }
    return open(target, log_level.load());
}

void Log::set_level(LogLevel level) noexcept { log_level = level; }

bool Log::enabled(LogLevel level) noexcept { return level <= log_level.load(std::memory_order_relaxed); }

void Log::write(LogLevel level, std::string_view message) noexcept {
    std::string line = timestamp_now();
    line += " [";
    line += to_string(level);
    line += "] ";
    line += message;
    line += '\n';
    std::lock_guard lock(log_mutex);
    (void)!::write(log_fd.load(), line.data(), line.size());
}

std::string timestamp_now() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return text;
}

}  // namespace ringwall::util
