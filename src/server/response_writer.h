// src/server/response_writer.h: HTTP/1.1 response heads written into send memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "proxy/exchange.h"

namespace ringwall::server {

// Appends to a fixed buffer; always: size_ <= capacity_.
class OutputBuffer {
public:
    void reset(char* data, std::uint32_t capacity) noexcept {
        data_ = data;
        capacity_ = capacity;
        size_ = 0;
    }
    bool fits(std::size_t n) const noexcept { return capacity_ - size_ >= n; }
    void append(std::string_view bytes) noexcept {
        if (bytes.empty()) {
            return;  // an empty view may carry a null pointer, which memcpy must not get
        }
        std::memcpy(data_ + size_, bytes.data(), bytes.size());
        size_ += static_cast<std::uint32_t>(bytes.size());
    }
    std::string_view bytes() const noexcept { return {data_, size_}; }
    std::uint32_t size() const noexcept { return size_; }
    std::uint32_t free_space() const noexcept { return capacity_ - size_; }
    void clear() noexcept { size_ = 0; }
    bool has_memory() const noexcept { return data_ != nullptr; }

private:
    char* data_ = nullptr;
    std::uint32_t capacity_ = 0;
    std::uint32_t size_ = 0;
};

enum class ConnectionField : std::uint8_t { none, close, keep_alive };

// "HTTP/1.1 200 OK\r\n" for every status 100..599, built once.
std::string_view status_line(std::uint16_t status) noexcept;

// Bytes the head of `response` takes, for checking fit before writing.
std::size_t head_size(const proxy::Response& response, std::string_view date_line,
                      ConnectionField connection) noexcept;

// Writes the head; the caller has checked that it fits.
void write_head(OutputBuffer& out, const proxy::Response& response, std::string_view date_line,
                ConnectionField connection) noexcept;

}  // namespace ringwall::server
