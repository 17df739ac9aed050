// src/proxy/route_matcher.cc: host, path, method, header, query and regex matching.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "proxy/route_matcher.h"

#include <pcre2.h>

#include <algorithm>
#include <stdexcept>

#include "util/ascii.h"

namespace ringwall::proxy {

namespace {
std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), util::to_lower);
    return out;
}
}  // namespace

// A PCRE2 pattern compiled (and JIT-compiled where the platform can) at load. The code is
// read-only and shared by every worker; match data is per thread.
class PathRegex {
public:
    explicit PathRegex(std::string_view pattern) {
        int code = 0;
        PCRE2_SIZE offset = 0;
        code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &code,
                              &offset, nullptr);
        if (code_ == nullptr) {
            // The loader checked the pattern with the same library: not reachable from config.
            throw std::invalid_argument("path_regex does not compile");
        }
        jit_ = pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE) == 0;
    }
    PathRegex(const PathRegex&) = delete;
    PathRegex& operator=(const PathRegex&) = delete;
    ~PathRegex() { pcre2_code_free(code_); }

    bool matches(std::string_view subject) const noexcept {
        struct MatchData {
            pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
            ~MatchData() { pcre2_match_data_free(data); }
        };
        thread_local MatchData match;
        if (match.data == nullptr) {
            return false;
        }
        const auto* bytes = reinterpret_cast<PCRE2_SPTR>(subject.data());
        const int rc = jit_ ? pcre2_jit_match(code_, bytes, subject.size(), 0, 0, match.data, nullptr)
                            : pcre2_match(code_, bytes, subject.size(), 0, 0, match.data, nullptr);
        return rc >= 0;
    }

private:
    pcre2_code* code_ = nullptr;
    bool jit_ = false;
};

RouteMatcher::RouteMatcher(const config::Route& route)
    : methods_(route.methods), headers_(route.match_headers), query_(route.match_query) {
    for (const std::string& host : route.hosts) {
        if (host.starts_with("*.")) {
            wildcard_suffixes_.push_back(lowercase(std::string_view(host).substr(1)));
        } else {
            exact_hosts_.push_back(lowercase(host));
        }
    }
    exact_path_ = route.path.has_value();
    path_ = route.path ? *route.path : route.path_prefix;
    if (route.path_regex) {
        regex_ = std::make_unique<PathRegex>(*route.path_regex);
        path_.clear();  // the regex replaces the prefix
        exact_path_ = false;
    }
    for (config::Header& header : headers_) {
        header.name = lowercase(header.name);
    }
}

RouteMatcher::RouteMatcher(RouteMatcher&&) noexcept = default;
RouteMatcher& RouteMatcher::operator=(RouteMatcher&&) noexcept = default;
RouteMatcher::~RouteMatcher() = default;

std::string_view RouteMatcher::host_without_port(std::string_view authority) noexcept {
    if (authority.starts_with('[')) {
        const auto end = authority.find(']');
        return end == std::string_view::npos ? authority : authority.substr(0, end + 1);
    }
    const auto colon = authority.rfind(':');
    return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

bool RouteMatcher::query_has(std::string_view query, std::string_view name,
                             std::string_view value) noexcept {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        const std::string_view val = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (key == name && (value.empty() || val == value)) {
            return true;
        }
    }
    return false;
}

bool RouteMatcher::matches_host(std::string_view host) const noexcept {
    for (const std::string& exact : exact_hosts_) {
        if (util::iequals(host, exact)) {
            return true;
        }
    }
    for (const std::string& suffix : wildcard_suffixes_) {
        // "*.example.com" needs at least one label before the suffix.
        if (host.size() > suffix.size() &&
            util::iequals(host.substr(host.size() - suffix.size()), suffix)) {
            return true;
        }
    }
    return false;
}

bool RouteMatcher::matches_headers(const Request& request) const noexcept {
    for (const config::Header& wanted : headers_) {
        bool found = false;
        for (const Field& field : request.fields) {
            if (util::iequals(field.name, wanted.name) &&
                (wanted.value.empty() || field.value == wanted.value)) {
                found = true;
                break;
            }
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

bool RouteMatcher::matches(const Request& request) const noexcept {
    if (!methods_.empty() &&
        std::find(methods_.begin(), methods_.end(), request.method) == methods_.end()) {
        return false;
    }
    if (exact_path_ ? request.path != path_ : !request.path.starts_with(path_)) {
        return false;
    }
    if (!(exact_hosts_.empty() && wildcard_suffixes_.empty()) &&
        !matches_host(host_without_port(request.authority))) {
        return false;
    }
    if (!headers_.empty() && !matches_headers(request)) {
        return false;
    }
    for (const config::Header& parameter : query_) {
        if (!query_has(request.query, parameter.name, parameter.value)) {
            return false;
        }
    }
    return regex_ == nullptr || regex_->matches(request.path);
}

}  // namespace ringwall::proxy
