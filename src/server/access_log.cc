// src/server/access_log.cc: formatting and writing access log lines.
#include "server/access_log.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "io/socket_address.h"

namespace ringwall::server {

namespace {

std::mutex file_mutex;
std::atomic<int> file_fd{-1};
std::string file_target = "off";

int open_target(const std::string& target) {
    if (target == "stdout") {
        return STDOUT_FILENO;
    }
    if (target == "stderr") {
        return STDERR_FILENO;
    }
    return ::open(target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

void append_quoted(std::string& out, std::optional<std::string_view> value) {
    if (!value || value->empty()) {
        out += "\"-\"";
        return;
    }
    out += '"';
    for (char c : *value) {
        // Field values may hold '"' and '\'; escape them so that the line stays parseable.
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

}  // namespace

std::string AccessLogFile::open(const std::string& target) {
    int fd = -1;
    if (target != "off") {
        fd = open_target(target);
        if (fd < 0) {
            return "cannot open access log " + target + ": " + std::strerror(errno);
        }
    }
    std::lock_guard lock(file_mutex);
    const int old = file_fd.exchange(fd);
    if (old > STDERR_FILENO && old != fd) {
        ::close(old);
    }
    file_target = target;
    return "";
}

std::string AccessLogFile::reopen() {
    std::string target;
    {
        std::lock_guard lock(file_mutex);
        target = file_target;
    }
    return open(target);
}

bool AccessLogFile::enabled() noexcept { return file_fd.load(std::memory_order_relaxed) >= 0; }

void AccessLogFile::write(std::string_view lines) noexcept {
    std::lock_guard lock(file_mutex);
    const int fd = file_fd.load();
    if (fd >= 0) {
        (void)!::write(fd, lines.data(), lines.size());
    }
}

void AccessLog::append(std::string_view client_address, const http1::RequestHead& head,
                       std::uint16_t status, std::uint64_t body_bytes, std::string_view protocol) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char when[40];
    std::strftime(when, sizeof when, "[%d/%b/%Y:%H:%M:%S +0000]", &tm);
    pending_ += client_address.empty() ? std::string_view("-") : client_address;
    pending_ += " - - ";
    pending_ += when;
    pending_ += " \"";
    pending_ += head.method;
    pending_ += ' ';
    pending_ += head.target;
    if (!protocol.empty()) {
        pending_ += ' ';
        pending_ += protocol;
        pending_ += "\" ";
    } else {
        pending_ += head.version == http1::Version::http11 ? " HTTP/1.1\" " : " HTTP/1.0\" ";
    }
    pending_ += std::to_string(status);
    pending_ += ' ';
    pending_ += std::to_string(body_bytes);
    pending_ += ' ';
    append_quoted(pending_, head.find("referer"));
    pending_ += ' ';
    append_quoted(pending_, head.find("user-agent"));
    pending_ += '\n';
}

void AccessLog::flush() noexcept {
    if (!pending_.empty()) {
        AccessLogFile::write(pending_);
        pending_.clear();
    }
}

}  // namespace ringwall::server
