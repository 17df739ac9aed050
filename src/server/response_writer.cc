// src/server/response_writer.cc: status lines and the fixed fields every response carries.
#include "server/response_writer.h"

#include <array>
#include <string>

#include "http1/serializer.h"

namespace ringwall::server {

namespace {

constexpr std::string_view server_field = "Server: ringwall\r\n";
constexpr std::string_view close_field = "Connection: close\r\n";
constexpr std::string_view keep_alive_field = "Connection: keep-alive\r\n";

struct StatusLines {
    std::array<std::string, 600> lines;
    StatusLines() {
        for (std::uint16_t status = 100; status < 600; ++status) {
            lines[status] = "HTTP/1.1 " + std::to_string(status) + " " +
                            std::string(http1::reason_phrase(status)) + "\r\n";
        }
    }
};

const StatusLines status_lines;

std::string_view connection_line(ConnectionField connection) noexcept {
    switch (connection) {
        case ConnectionField::close: return close_field;
        case ConnectionField::keep_alive: return keep_alive_field;
        case ConnectionField::none: break;
    }
    return {};
}

}  // namespace

std::string_view status_line(std::uint16_t status) noexcept {
    return status_lines.lines[status < 600 && status >= 100 ? status : 500];
}

std::size_t head_size(const proxy::Response& response, std::string_view date_line,
                      ConnectionField connection) noexcept {
    return status_line(response.status).size() + server_field.size() + date_line.size() +
           response.fields.size() + connection_line(connection).size() + 2;
}

void write_head(OutputBuffer& out, const proxy::Response& response, std::string_view date_line,
                ConnectionField connection) noexcept {
    out.append(status_line(response.status));
    out.append(server_field);
    out.append(date_line);
    out.append(response.fields);
    out.append(connection_line(connection));
    out.append("\r\n");
}

}  // namespace ringwall::server
