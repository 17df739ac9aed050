// src/http2/request_fields.cc: turning an HTTP/2 field section into the request head every
// handler reads.
#include "http2/request_fields.h"

#include "util/ascii.h"

namespace ringwall::http2 {
namespace {

// RFC 9113 §8.3.1 leaves :path's characters to RFC 3986; a byte outside visible ASCII
// would become part of an HTTP/1.1 request line upstream, so it is refused here.
bool is_origin_path(std::string_view path) noexcept {
    if (path.empty() || path.front() != '/') {
        return false;
    }
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f || c == '#') {
            return false;
        }
    }
    return true;
}

bool parse_length(std::string_view text, std::uint64_t& out) noexcept {
    if (text.empty() || text.size() > 19) {
        return false;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out = value;
    return true;
}

}  // namespace

bool is_connection_specific(std::string_view name) noexcept {
    return util::iequals(name, "connection") || util::iequals(name, "keep-alive") ||
           util::iequals(name, "proxy-connection") || util::iequals(name, "transfer-encoding") ||
           util::iequals(name, "upgrade");
}

RequestFields::Span RequestFields::store(std::string_view text) {
    const Span span{static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(text.size())};
    arena_.append(text);
    return span;
}

bool RequestFields::add(std::string_view name, std::string_view value) {
    if (name.starts_with(':')) {
        std::optional<Span>* slot = name == ":method"      ? &method_
                                    : name == ":scheme"    ? &scheme_
                                    : name == ":authority" ? &authority_
                                    : name == ":path"      ? &path_
                                                           : nullptr;
        if (slot != nullptr) {
            *slot = store(value);
        }
        return true;  // nghttp2 refuses unknown and repeated pseudo-fields itself
    }
    if (name == "cookie") {
        cookies_.push_back(store(value));
        return true;
    }
    if (name == "content-length") {
        // nghttp2 checks the value and that DATA adds up to it; we need the number.
        if (!parse_length(value, content_length_)) {
            return false;
        }
        has_content_length_ = true;
    }
    if (name == "host") {
        host_ = store(value);
    }
    fields_.push_back(FieldAt{store(name), store(value)});
    return true;
}

bool RequestFields::build(http1::RequestHead& head) {
    if (!method_ || !path_) {
        return false;  // CONNECT (no :path) is not served; nghttp2 checked the rest
    }
    head.method = view(*method_);
    const std::string_view target = view(*path_);
    if (!is_origin_path(target)) {
        if (!(target == "*" && head.method == "OPTIONS")) {
            return false;
        }
    }
    head.target = target;
    head.target_form = http1::TargetForm::origin;
    const std::size_t question = target.find('?');
    head.path = target.substr(0, question);
    head.query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    const std::string_view authority = authority_ ? view(*authority_) : std::string_view();
    const std::string_view host = host_ ? view(*host_) : std::string_view();
    // RFC 9113 §8.3.1: Host and :authority naming different origins is a request to refuse.
    if (authority_ && host_ && !util::iequals(authority, host)) {
        return false;
    }
    head.authority = authority_ ? authority : host;
    head.version = http1::Version::http11;
    head.fields.clear();
    head.fields.reserve(fields_.size() + 1);
    for (const FieldAt& field : fields_) {
        head.fields.push_back(http1::Field{.name = view(field.name), .value = view(field.value)});
    }
    if (cookies_.size() == 1) {
        head.fields.push_back(http1::Field{.name = "cookie", .value = view(cookies_.front())});
    } else if (!cookies_.empty()) {
        cookie_line_.clear();
        for (const Span& crumb : cookies_) {
            if (!cookie_line_.empty()) {
                cookie_line_ += "; ";
            }
            cookie_line_ += view(crumb);
        }
        head.fields.push_back(http1::Field{.name = "cookie", .value = cookie_line_});
    }
    head.content_length = content_length_;
    head.framing = has_content_length_ ? http1::BodyFraming::content_length : http1::BodyFraming::none;
    head.keep_alive = true;
    head.expects_continue = false;
    head.is_upgrade = false;
    return true;
}

}  // namespace ringwall::http2
